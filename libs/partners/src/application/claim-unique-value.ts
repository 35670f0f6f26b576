import type { Decider } from '../../../core/src';
import { handleCommand, loadState, type CommandContext } from '../../../event-store/src/handle-command';
import type { EventStore } from '../../../event-store/src/port';
import type { ClaimValue, ReservationState, ValueReserved } from '../domain/reservation.decider';

/** A claim this old without its owner stream was left by a crash between the two appends. */
export const ORPHANED_CLAIM_AFTER_MS = 60_000;

/**
 * Claims a unique value (an MPN id, a domain) for `candidateOwnerId` and returns the owner id the
 * caller must use. The claim and the owner's own stream are two appends; when a crash left a
 * claim whose owner stream was never written, a later claimant adopts that owner id, so the value
 * is never lost. A recent claim may still be in flight and is never adopted. A live owner makes
 * the claim fail with the decider's conflict.
 */
export async function claimUniqueValue<TType extends string>(
  store: EventStore,
  decider: Decider<ClaimValue, ReservationState, ValueReserved<TType>>,
  stream: string,
  value: string,
  candidateOwnerId: string,
  ownerExists: (ownerId: string) => Promise<boolean>,
  context: CommandContext,
): Promise<string> {
  const { state } = await loadState(store, decider, stream);
  if (
    state.ownerId !== null &&
    state.ownerId !== candidateOwnerId &&
    state.reservedAt !== null &&
    context.now.getTime() - Date.parse(state.reservedAt) >= ORPHANED_CLAIM_AFTER_MS &&
    !(await ownerExists(state.ownerId))
  ) {
    return state.ownerId;
  }
  const command: ClaimValue = { type: 'ClaimValue', value, ownerId: candidateOwnerId, now: context.now.toISOString() };
  await handleCommand(store, decider, stream, command, context);
  return candidateOwnerId;
}
