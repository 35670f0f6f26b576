import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { DomainError, conflict } from '../../../core/src';
import { handleCommand, type CommandContext } from '../../../event-store/src/handle-command';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/port';
import type { OnboardPartner } from '../domain/partner.commands';
import { partnerDecider } from '../domain/partner.decider';
import type { PartnerKind } from '../domain/partner.events';
import { partnerIdReservation } from '../domain/reservation.decider';
import { claimUniqueValue } from './claim-unique-value';
import { PartnerDirectory, partnerIdStream, partnerStream } from './partner-directory';
import { partnerViewOf, type PartnerView } from './partner.view';

export interface OnboardPartnerInput {
  name: string;
  kind: PartnerKind;
  partnerId: string;
  country: string;
  currency: string;
  email: string;
}

export class OnboardPartnerCommand extends Command<PartnerView> {
  constructor(
    readonly input: OnboardPartnerInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(OnboardPartnerCommand)
export class OnboardPartnerHandler implements ICommandHandler<OnboardPartnerCommand, PartnerView> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly partners: PartnerDirectory,
  ) {}

  async execute({ input, context }: OnboardPartnerCommand): Promise<PartnerView> {
    const command = (partnerTenantId: string): OnboardPartner => ({
      type: 'OnboardPartner',
      partnerTenantId,
      ...input,
      now: context.now.toISOString(),
    });
    // Decide once on an empty stream first: a refused request writes nothing, not even the claim.
    partnerDecider.decide(command(randomUUID()), partnerDecider.initialState);

    const partnerTenantId = await claimUniqueValue(
      this.store,
      partnerIdReservation,
      partnerIdStream(input.partnerId),
      input.partnerId,
      randomUUID(),
      (owner) => this.partners.exists(owner),
      context,
    );
    try {
      const result = await handleCommand(this.store, partnerDecider, partnerStream(partnerTenantId), command(partnerTenantId), context);
      const state = result.state;
      if (!state.exists) throw new Error('partner stream is empty after onboarding');
      return partnerViewOf(state);
    } catch (error) {
      // Two claimants adopted the same orphaned claim; the other one won.
      if (error instanceof DomainError && error.code === 'partner-already-exists') {
        throw conflict('partner-id-taken', `partner id ${input.partnerId} is already taken`, { partnerId: input.partnerId });
      }
      throw error;
    }
  }
}
