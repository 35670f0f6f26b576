import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { BILLING_CYCLES, SALE_STATUSES, SEGMENTS, TERM_DURATIONS, type BillingCycle, type Segment, type TermDuration } from '../../../../libs/catalog/src/domain/catalog.types';
import { BillingCycleField, IsCalendarDate, Omittable, QuantityField, TermDurationField } from '../common/field-decorators';
import { ListQueryDto } from '../partners/list-query.dto';

/** Used in URL paths: letters, digits, dot, underscore, hyphen. */
const EXTERNAL_ID = /^[A-Za-z0-9._-]{1,100}$/;
const MAX_EA_SUBSCRIPTIONS = 500;

export const RENEWAL_STATUSES = ['scheduled', 'processing', 'completed', 'failed'] as const;
export const UNAVAILABLE_REASONS = ['extended-term', 'not-commercial', 'no-equivalent-sku', 'scheduled-by-another-partner', 'already-renewed'] as const;
export const ACTIVITY_OPERATION_TYPES = ['migration'] as const;

// --- operator import ------------------------------------------------------------------------------------

export class EaSubscriptionInputDto {
  @ApiProperty({ example: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', description: 'The EA subscription\'s id (letters, digits, `.`, `_`, `-`)' })
  @IsString()
  @Matches(EXTERNAL_ID, { message: 'id must be 1 to 100 letters, digits, ".", "_" or "-"' })
  id!: string;

  @ApiProperty({ example: 'Microsoft 365 E3' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  productName!: string;

  @ApiProperty({ example: 'Microsoft_365_E3', description: 'R-EA-5: matched with the CSP SKU of the same provisioning id' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  provisioningId!: string;

  @ApiProperty({ enum: SEGMENTS, description: 'R-EA-4: only commercial subscriptions can be renewed to CSP' })
  @IsIn(SEGMENTS)
  segment!: Segment;

  @QuantityField({ example: 25 })
  quantity!: number;

  @ApiProperty({ example: '2025-03-31', description: 'The EA subscription\'s last day' })
  @IsCalendarDate()
  endDate!: string;
}

export class ImportEaAgreementDto {
  @ApiProperty({ example: '87654321', description: 'The EA enrollment number; one number is one agreement' })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'agreementNumber must be 1 to 64 letters, digits, ".", "_" or "-"' })
  agreementNumber!: string;

  @ApiProperty({ format: 'uuid', description: 'The customer\'s tenant id' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  customerId!: string;

  @ApiProperty({ example: '2022-04-01' })
  @IsCalendarDate()
  startDate!: string;

  @ApiProperty({ example: '2025-03-31', description: 'The agreement\'s last day' })
  @IsCalendarDate()
  endDate!: string;

  @ApiProperty({ description: 'R-EA-3: in its extended term (EPT); such agreements cannot be renewed to CSP' })
  @IsBoolean()
  extendedTerm!: boolean;

  @ApiProperty({ type: [EaSubscriptionInputDto], maxItems: MAX_EA_SUBSCRIPTIONS })
  @IsDefined()
  @IsArray()
  @ArrayMaxSize(MAX_EA_SUBSCRIPTIONS)
  @ValidateNested({ each: true })
  @Type(() => EaSubscriptionInputDto)
  subscriptions!: EaSubscriptionInputDto[];
}

// --- views ----------------------------------------------------------------------------------------------

export class EaAgreementDto {
  @ApiProperty({ format: 'uuid', description: 'Follows from the agreement number' })
  id!: string;

  @ApiProperty()
  agreementNumber!: string;

  @ApiProperty()
  customerId!: string;

  @ApiProperty({ example: '2022-04-01' })
  startDate!: string;

  @ApiProperty({ example: '2025-03-31' })
  endDate!: string;

  @ApiProperty({ description: 'R-EA-3: extended term (EPT)' })
  extendedTerm!: boolean;

  @ApiProperty({ description: 'R-EA-3: false for an agreement in its extended term' })
  eligible!: boolean;

  @ApiPropertyOptional({ enum: ['extended-term'] })
  ineligibleReason?: string;

  @ApiProperty({ enum: ['active', 'expired'] })
  status!: string;
}

export class EaAgreementPageDto {
  @ApiProperty({ type: [EaAgreementDto] })
  items!: EaAgreementDto[];
}

export class EaSubscriptionRecordDto extends EaSubscriptionInputDto {}

export class EaAgreementImportResultDto {
  @ApiProperty({ type: EaAgreementDto })
  agreement!: EaAgreementDto;

  @ApiProperty({ type: [EaSubscriptionRecordDto] })
  subscriptions!: EaSubscriptionRecordDto[];

  @ApiProperty({ enum: ['created', 'subscriptions-added', 'unchanged'], description: '`unchanged`: the same import again wrote nothing (200)' })
  result!: string;
}

export class CspOfferDto {
  @ApiProperty({ example: 'CFQ7TTC0LFLZ:0001:CFQ7TTC0H2B4' })
  catalogItemId!: string;

  @ApiProperty({ enum: TERM_DURATIONS })
  termDuration!: string;

  @ApiProperty({ enum: BILLING_CYCLES, isArray: true })
  billingCycles!: string[];
}

export class CspAvailabilityDto {
  @ApiProperty()
  available!: boolean;

  @ApiPropertyOptional({
    enum: UNAVAILABLE_REASONS,
    description:
      '`not-commercial` (R-EA-4), `no-equivalent-sku` (R-EA-5), `scheduled-by-another-partner` (R-EA-8), `extended-term` (R-EA-3), `already-renewed` (the caller renewed it)',
  })
  reason?: string;

  @ApiPropertyOptional({ description: 'The equivalent CSP offer (a P1Y term when there is one)' })
  catalogItemId?: string;

  @ApiPropertyOptional({ enum: SALE_STATUSES, description: 'R-EA-6: end-of-sale SKUs are continued through this path' })
  saleStatus?: string;

  @ApiPropertyOptional({ type: [CspOfferDto], description: 'The terms and billing plans a renewal may choose' })
  offers?: CspOfferDto[];
}

export class FailureReasonDto {
  @ApiProperty({ example: 'no-price' })
  code!: string;

  @ApiProperty()
  message!: string;
}

export class CspRenewalDto {
  @ApiProperty({ format: 'uuid' })
  agreementId!: string;

  @ApiProperty()
  eaSubscriptionId!: string;

  @ApiProperty({ enum: RENEWAL_STATUSES })
  status!: string;

  @ApiProperty({ description: 'The CSP offer: the SKU with the EA subscription\'s provisioning id and the chosen term' })
  catalogItemId!: string;

  @ApiProperty({ enum: TERM_DURATIONS })
  termDuration!: string;

  @ApiProperty({ enum: BILLING_CYCLES })
  billingCycle!: string;

  @ApiProperty()
  quantity!: number;

  @ApiPropertyOptional({ example: '2026-03-31' })
  customTermEndDate?: string;

  @ApiPropertyOptional({ enum: ['calendarMonthAligned', 'subscriptionAligned'] })
  termEndAlignment?: string;

  @ApiProperty({ example: '2025-04-01', description: 'R-EA-10: the CSP subscription starts the day after the EA end date' })
  startDate!: string;

  @ApiProperty({ format: 'date-time', description: 'R-EA-9: processed from this instant (12:00 UTC), never earlier' })
  processAfter!: string;

  @ApiProperty({ format: 'date-time' })
  scheduledAt!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The new subscription, once completed' })
  subscriptionId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Its order (transactionType `migration`), once completed' })
  orderId?: string;

  @ApiPropertyOptional({ type: FailureReasonDto })
  failureReason?: FailureReasonDto;

  @ApiProperty({ description: 'Bumped by each (re)submission' })
  revision!: number;
}

export class EaSubscriptionDto {
  @ApiProperty()
  id!: string;

  @ApiProperty({ format: 'uuid' })
  agreementId!: string;

  @ApiProperty()
  productName!: string;

  @ApiProperty()
  provisioningId!: string;

  @ApiProperty({ enum: SEGMENTS })
  segment!: string;

  @ApiProperty()
  quantity!: number;

  @ApiProperty()
  endDate!: string;

  @ApiProperty({ type: CspAvailabilityDto })
  cspAvailability!: CspAvailabilityDto;

  @ApiProperty({ type: CspRenewalDto, nullable: true, description: 'The caller\'s own schedule for it' })
  cspRenewal!: CspRenewalDto | null;
}

export class EaSubscriptionPageDto {
  @ApiProperty({ type: [EaSubscriptionDto] })
  items!: EaSubscriptionDto[];
}

// --- schedules ------------------------------------------------------------------------------------------

export class CspRenewalInputDto {
  @TermDurationField({ description: 'One of the SKU\'s terms (`cspAvailability.offers`)' })
  termDuration!: TermDuration;

  @BillingCycleField()
  billingCycle!: BillingCycle;

  @QuantityField({ example: 25, description: 'Seats of the new subscription' })
  quantity!: number;

  @ApiPropertyOptional({
    example: '2026-03-31',
    description: 'R-SUB-3: align the first term\'s end with a calendar month or one of the caller\'s subscriptions of the customer',
  })
  @Omittable()
  @IsCalendarDate()
  customTermEndDate?: string;
}

// --- activity log ---------------------------------------------------------------------------------------

export class ActivityLogQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ example: '2025-04-01', description: 'First day (UTC), inclusive' })
  @Omittable()
  @IsCalendarDate()
  startDate?: string;

  @ApiPropertyOptional({ example: '2025-04-30', description: 'Last day (UTC), inclusive' })
  @Omittable()
  @IsCalendarDate()
  endDate?: string;

  @ApiPropertyOptional({ enum: ACTIVITY_OPERATION_TYPES })
  @Omittable()
  @IsIn(ACTIVITY_OPERATION_TYPES)
  operationType?: string;
}

export class ActivityLogEntryDto {
  @ApiProperty()
  id!: string;

  @ApiProperty({ enum: ACTIVITY_OPERATION_TYPES })
  operationType!: string;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;

  @ApiProperty()
  partnerTenantId!: string;

  @ApiProperty()
  customerId!: string;

  @ApiProperty({ description: 'Who did it (for a migration: the user who scheduled the renewal)' })
  userId!: string;

  @ApiProperty({ example: 'subscription' })
  resourceType!: string;

  @ApiProperty()
  resourceId!: string;

  @ApiProperty()
  resourceUri!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ type: Object })
  details!: Record<string, unknown>;
}

export class ActivityLogPageDto {
  @ApiProperty({ type: [ActivityLogEntryDto] })
  items!: ActivityLogEntryDto[];

  @ApiPropertyOptional()
  continuationToken?: string;
}
