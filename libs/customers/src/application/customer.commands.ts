import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { conflict, DomainError, ruleViolation } from '../../../core/src';
import { deterministicEventId } from '../../../event-store/src/event-id';
import { handleCommand, loadState, type CommandContext } from '../../../event-store/src/handle-command';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/port';
import { claimUniqueValue } from '../../../partners/src/application/claim-unique-value';
import { PartnerDirectory, type OnboardedPartner } from '../../../partners/src/application/partner-directory';
import type { AttestCustomerAgreement, CreateCustomer, PartnerRef } from '../domain/customer.commands';
import { customerDecider, relationshipOf } from '../domain/customer.decider';
import { customerDomainReservation } from '../domain/customer-domain.reservation';
import type { AgreementContact, AgreementType, CustomerContact } from '../domain/customer.events';
import { relationshipRequestDecider, type CustomerFacts } from '../domain/relationship-request';
import { generateTemporaryPassword, hashPassword } from './admin-credentials';
import { CustomerAccess, customerDomainStream, customerStream } from './customer-access';
import { agreementViewOf, customerViewFor, type AgreementView, type CustomerView } from './customer.view';
import { issueToken, parseToken } from './relationship-token';

export const relationshipRequestStream = (requestId: string) => `relationship_request-${requestId}`;

function partnerRef(partner: OnboardedPartner): PartnerRef {
  return { partnerTenantId: partner.partnerTenantId, kind: partner.kind, region: partner.region };
}

async function callingPartner(partners: PartnerDirectory, context: CommandContext): Promise<OnboardedPartner> {
  const partner = await partners.get(context.actor.tenantId);
  if (!partner.exists) {
    throw ruleViolation('partner-not-onboarded', `tenant ${context.actor.tenantId} is not an onboarded partner`);
  }
  return partner;
}

// --- create a customer (R-CUST-1, R-CUST-2, R-CUST-4) ---------------------------------------------

export interface CreateCustomerInput {
  companyName: string;
  country: string;
  domain: string;
  contact: CustomerContact;
  indirectResellerPartnerId?: string;
}

export interface CreatedCustomer extends CustomerView {
  /** Shown in this answer only (R-CUST-1). */
  adminCredentials: { userName: string; temporaryPassword: string };
}

export class CreateCustomerCommand extends Command<CreatedCustomer> {
  constructor(
    readonly input: CreateCustomerInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(CreateCustomerCommand)
export class CreateCustomerHandler implements ICommandHandler<CreateCustomerCommand, CreatedCustomer> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly partners: PartnerDirectory,
    private readonly customers: CustomerAccess,
  ) {}

  async execute({ input, context }: CreateCustomerCommand): Promise<CreatedCustomer> {
    const creator = await callingPartner(this.partners, context);
    let indirectReseller: PartnerRef | undefined;
    if (input.indirectResellerPartnerId !== undefined) {
      const reseller = await this.partners.findByPartnerId(input.indirectResellerPartnerId);
      if (!reseller) {
        throw ruleViolation('indirect-reseller-not-found', `no onboarded partner has partner id ${input.indirectResellerPartnerId}`, {
          indirectResellerPartnerId: input.indirectResellerPartnerId,
        });
      }
      indirectReseller = partnerRef(reseller);
    }

    const domain = input.domain.toLowerCase();
    const userName = `admin@${domain}`;
    const temporaryPassword = generateTemporaryPassword();
    const adminPasswordHash = await hashPassword(temporaryPassword);
    const command = (customerId: string): CreateCustomer => ({
      type: 'CreateCustomer',
      customerId,
      companyName: input.companyName,
      country: input.country,
      domain,
      contact: input.contact,
      creator: partnerRef(creator),
      ...(indirectReseller ? { indirectReseller } : {}),
      adminUserName: userName,
      adminPasswordHash,
      now: context.now.toISOString(),
    });
    // Decide once on an empty stream first: a refused request writes nothing, not even the domain claim.
    customerDecider.decide(command(randomUUID()), customerDecider.initialState);

    const customerId = await claimUniqueValue(
      this.store,
      customerDomainReservation,
      customerDomainStream(domain),
      domain,
      randomUUID(),
      async (owner) => (await this.customers.load(owner)).state.exists,
      context,
    );
    try {
      const result = await handleCommand(this.store, customerDecider, customerStream(customerId), command(customerId), context);
      if (!result.state.exists) throw new Error('customer stream is empty after creation');
      return {
        ...customerViewFor(result.state, context.actor, result.version),
        adminCredentials: { userName, temporaryPassword },
      };
    } catch (error) {
      // Two claimants adopted the same orphaned domain claim; the other one won.
      if (error instanceof DomainError && error.code === 'customer-already-exists') {
        throw conflict('domain-taken', `domain ${domain} is already taken`, { domain });
      }
      throw error;
    }
  }
}

// --- relationship requests (R-CUST-3, R-CUST-4, R-CUST-5) -----------------------------------------

export interface IssuedRelationshipRequest {
  requestId: string;
  token: string;
  expiresAt: string;
}

export class IssueRelationshipRequestCommand extends Command<IssuedRelationshipRequest> {
  constructor(
    readonly customerId: string | undefined,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(IssueRelationshipRequestCommand)
export class IssueRelationshipRequestHandler implements ICommandHandler<IssueRelationshipRequestCommand, IssuedRelationshipRequest> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly partners: PartnerDirectory,
    private readonly customers: CustomerAccess,
  ) {}

  async execute({ customerId, context }: IssueRelationshipRequestCommand): Promise<IssuedRelationshipRequest> {
    const partner = await callingPartner(this.partners, context);
    let customer: CustomerFacts | null = null;
    if (customerId !== undefined) {
      const { state } = await this.customers.load(customerId);
      if (!state.exists) throw ruleViolation('customer-not-found', `no customer tenant ${customerId} exists`, { customerId });
      customer = { customerId, region: state.region, alreadyRelated: relationshipOf(state, partner.partnerTenantId) !== undefined };
    }
    const requestId = randomUUID();
    const { token, secretHash } = issueToken(requestId);
    const result = await handleCommand(
      this.store,
      relationshipRequestDecider,
      relationshipRequestStream(requestId),
      {
        type: 'IssueRelationshipRequest',
        requestId,
        partnerTenantId: partner.partnerTenantId,
        partnerRegion: partner.region,
        customer,
        secretHash,
        now: context.now.toISOString(),
      },
      context,
    );
    if (!result.state.exists) throw new Error('relationship request stream is empty after issuing');
    return { requestId, token, expiresAt: result.state.expiresAt };
  }
}

export interface AcceptedRelationship {
  requestId: string;
  customerId: string;
  partnerTenantId: string;
  establishedAt: string;
}

export class AcceptRelationshipRequestCommand extends Command<AcceptedRelationship> {
  constructor(
    readonly token: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(AcceptRelationshipRequestCommand)
export class AcceptRelationshipRequestHandler implements ICommandHandler<AcceptRelationshipRequestCommand, AcceptedRelationship> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly partners: PartnerDirectory,
    private readonly customers: CustomerAccess,
  ) {}

  async execute({ token, context }: AcceptRelationshipRequestCommand): Promise<AcceptedRelationship> {
    const parsed = parseToken(token);
    if (!parsed) throw relationshipRequestNotFound();
    const { requestId, secretHash } = parsed;
    const stream = relationshipRequestStream(requestId);
    const request = (await loadState(this.store, relationshipRequestDecider, stream)).state;
    if (!request.exists || request.secretHash !== secretHash) throw relationshipRequestNotFound();

    const customerId = context.actor.tenantId;
    const { state: customer } = await this.customers.load(customerId);
    if (!customer.exists) throw ruleViolation('customer-not-found', `no customer tenant ${customerId} exists`, { customerId });
    const partner = await this.partners.get(request.partnerTenantId);
    if (!partner.exists) throw new Error(`relationship request ${requestId} names unknown partner ${request.partnerTenantId}`);
    const related = relationshipOf(customer, partner.partnerTenantId) !== undefined;

    // The token was spent by this customer but the relationship was never written (a crash between
    // the two appends): finish the job instead of refusing.
    const repair = request.accepted !== null && request.accepted.customerId === customerId && !related;
    if (!repair) {
      await handleCommand(
        this.store,
        relationshipRequestDecider,
        stream,
        {
          type: 'AcceptRelationshipRequest',
          requestId,
          secretHash,
          customer: { customerId, region: customer.region, alreadyRelated: related },
          acceptedByUserId: context.actor.userId,
          now: context.now.toISOString(),
        },
        context,
      );
    }
    const result = await handleCommand(
      this.store,
      customerDecider,
      customerStream(customerId),
      { type: 'EstablishRelationship', customerId, partner: partnerRef(partner), requestId, now: context.now.toISOString() },
      context,
      { eventId: () => deterministicEventId('relationship-request', requestId) },
    );
    const relationship = relationshipOf(result.state, partner.partnerTenantId);
    return {
      requestId,
      customerId,
      partnerTenantId: partner.partnerTenantId,
      establishedAt: relationship?.establishedAt ?? context.now.toISOString(),
    };
  }
}

function relationshipRequestNotFound(): DomainError {
  return new DomainError('not-found', 'not-found', 'relationship request was not found', { resource: 'relationship request' });
}

// --- customer agreement (R-CUST-6) ----------------------------------------------------------------

export interface AttestAgreementInput {
  type: AgreementType;
  primaryContact: AgreementContact;
  dateAgreed: string;
}

export class AttestCustomerAgreementCommand extends Command<AgreementView> {
  constructor(
    readonly customerId: string,
    readonly input: AttestAgreementInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(AttestCustomerAgreementCommand)
export class AttestCustomerAgreementHandler implements ICommandHandler<AttestCustomerAgreementCommand, AgreementView> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly customers: CustomerAccess,
  ) {}

  async execute({ customerId, input, context }: AttestCustomerAgreementCommand): Promise<AgreementView> {
    await this.customers.visibleTo(context.actor, customerId);
    const agreementId = randomUUID();
    const command: AttestCustomerAgreement = {
      type: 'AttestCustomerAgreement',
      customerId,
      agreementId,
      agreementType: input.type,
      primaryContact: input.primaryContact,
      dateAgreed: input.dateAgreed,
      partnerTenantId: context.actor.tenantId,
      attestedByUserId: context.actor.userId,
      now: context.now.toISOString(),
    };
    const result = await handleCommand(this.store, customerDecider, customerStream(customerId), command, context);
    const agreement = result.state.exists ? result.state.agreements.find((a) => a.agreementId === agreementId) : undefined;
    if (!agreement) throw new Error('agreement missing after attestation');
    return agreementViewOf(agreement);
  }
}
