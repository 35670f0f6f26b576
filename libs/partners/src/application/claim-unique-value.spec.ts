import { DomainError } from '../../../core/src';
import type { CommandContext } from '../../../event-store/src/handle-command';
import { InMemoryEventStore } from '../../../event-store/src/in-memory/in-memory-event-store';
import { partnerIdReservation } from '../domain/reservation.decider';
import { claimUniqueValue, ORPHANED_CLAIM_AFTER_MS } from './claim-unique-value';

const at = (iso: string): CommandContext => ({
  actor: { userId: 'op', tenantId: 'operator', roles: ['operator'] },
  correlationId: 'c',
  causationId: 'c',
  now: new Date(iso),
});

describe('claimUniqueValue', () => {
  const stream = 'partner_mpn-1234567';
  const T0 = '2026-03-01T10:00:00.000Z';
  const later = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

  async function claim(store: InMemoryEventStore, owner: string, now: string, live: (id: string) => boolean) {
    return claimUniqueValue(store, partnerIdReservation, stream, '1234567', owner, async (id) => live(id), at(now));
  }

  it('gives a free value to the claimant, once', async () => {
    const store = new InMemoryEventStore();
    await expect(claim(store, 'a', T0, () => true)).resolves.toBe('a');
    await expect(claim(store, 'a', T0, () => true)).resolves.toBe('a');
    expect((await store.readStream(stream)).events).toHaveLength(1);
  });

  it('refuses a value whose owner exists', async () => {
    const store = new InMemoryEventStore();
    await claim(store, 'a', T0, () => true);
    const error = await claim(store, 'b', later(ORPHANED_CLAIM_AFTER_MS * 10), () => true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'partner-id-taken' });
  });

  it('never adopts a recent claim: its owner may still be writing', async () => {
    const store = new InMemoryEventStore();
    await claim(store, 'a', T0, () => false);
    await expect(claim(store, 'b', later(ORPHANED_CLAIM_AFTER_MS - 1), () => false)).rejects.toMatchObject({ code: 'partner-id-taken' });
  });

  it('adopts the owner id of a claim orphaned by a crash', async () => {
    const store = new InMemoryEventStore();
    await claim(store, 'a', T0, () => false);
    await expect(claim(store, 'b', later(ORPHANED_CLAIM_AFTER_MS), () => false)).resolves.toBe('a');
    expect((await store.readStream(stream)).events).toHaveLength(1);
  });
});
