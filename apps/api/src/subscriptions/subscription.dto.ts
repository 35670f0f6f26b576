import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsISO8601,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { BILLING_CYCLES, TERM_DURATIONS, type BillingCycle, type TermDuration } from '../../../../libs/catalog/src/domain/catalog.types';
import { MAX_CART_LINES, RESELLER_PARTICIPANT } from '../../../../libs/subscriptions/src/domain/cart';
import { SUBSCRIPTION_STATUSES, type SubscriptionStatus } from '../../../../libs/subscriptions/src/domain/subscription.events';
import {
  BillingCycleField,
  CatalogItemIdField,
  IsCalendarDate,
  Omittable,
  PromotionIdField,
  QuantityField,
  stacked,
  TermDurationField,
} from '../common/field-decorators';
import { ListQueryDto } from '../partners/list-query.dto';

const MPN = /^[0-9]{1,20}$/;

/** The name shown for a subscription; optional wherever it is set. */
const FriendlyNameField = () =>
  stacked(ApiPropertyOptional({ maxLength: 100 }), Omittable(), IsString(), MinLength(1), MaxLength(100));

export class MoneyDto {
  @ApiProperty({ example: '36.00', description: 'Decimal string in the currency\'s minor-unit precision' })
  amount!: string;

  @ApiProperty({ example: 'EUR' })
  currency!: string;
}

// --- carts ------------------------------------------------------------------------------------------

export class CartParticipantDto {
  @ApiProperty({ enum: [RESELLER_PARTICIPANT] })
  @IsIn([RESELLER_PARTICIPANT])
  key!: typeof RESELLER_PARTICIPANT;

  @ApiProperty({ example: '7654321', description: 'The indirect reseller\'s MPN id (R-IND-2, R-IND-4)' })
  @IsString()
  @Matches(MPN, { message: 'value must be an MPN id (1 to 20 digits)' })
  value!: string;
}

export class CartLineItemDto {
  @CatalogItemIdField({ example: 'CFQ7TTC0LFLZ:0002:CFQ7TTC0JSWX' })
  catalogItemId!: string;

  @QuantityField({ example: 10 })
  quantity!: number;

  @TermDurationField()
  termDuration!: TermDuration;

  @BillingCycleField()
  billingCycle!: BillingCycle;

  @PromotionIdField({ required: false, description: 'A promotion to apply (R-PRICE-3); without one an available promotion applies' })
  promotionId?: string;

  @ApiPropertyOptional({ example: '2025-12-31', description: 'R-SUB-3, one of GET .../subscriptions/custom-term-end-dates' })
  @Omittable()
  @IsCalendarDate()
  customTermEndDate?: string;

  @FriendlyNameField()
  friendlyName?: string;

  @ApiPropertyOptional({ type: [CartParticipantDto] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(1)
  @ValidateNested({ each: true })
  @Type(() => CartParticipantDto)
  participants?: CartParticipantDto[];
}

export class CreateCartDto {
  @ApiProperty({ type: [CartLineItemDto], minItems: 1, maxItems: MAX_CART_LINES })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CART_LINES)
  @ValidateNested({ each: true })
  @Type(() => CartLineItemDto)
  lineItems!: CartLineItemDto[];
}

export class CartLineItemViewDto extends CartLineItemDto {
  @ApiProperty({ description: '0-based' })
  lineItemNumber!: number;
}

export class CartDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  customerId!: string;

  @ApiProperty({ enum: ['active', 'ordered', 'expired'] })
  status!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', description: '7 days after creation' })
  expiresAt!: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  orderId!: string | null;

  @ApiProperty({ type: [CartLineItemViewDto] })
  lineItems!: CartLineItemViewDto[];
}

// --- orders -----------------------------------------------------------------------------------------

export class OrderLineItemDto {
  @ApiProperty()
  lineItemNumber!: number;

  @ApiProperty()
  catalogItemId!: string;

  @ApiProperty({ description: 'Same as catalogItemId' })
  offerId!: string;

  @ApiProperty()
  quantity!: number;

  @ApiProperty({ enum: TERM_DURATIONS })
  termDuration!: string;

  @ApiProperty({ enum: BILLING_CYCLES })
  billingCycle!: string;

  @ApiProperty({ format: 'uuid' })
  subscriptionId!: string;

  @ApiProperty({
    enum: ['new', 'migration'],
    description: 'new: bought in a cart; migration: an EA subscription renewed in CSP. Renewals and upgrades change the subscription and place no order (see its history).',
  })
  transactionType!: string;

  @ApiProperty()
  friendlyName!: string;

  @ApiProperty({ type: MoneyDto })
  unitPrice!: MoneyDto;

  @ApiProperty()
  discountPercent!: number;

  @ApiPropertyOptional()
  promotionId?: string;

  @ApiPropertyOptional()
  customTermEndDate?: string;

  @ApiPropertyOptional({ description: 'The indirect reseller\'s MPN id' })
  partnerId?: string;
}

export class OrderDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  cartId!: string;

  @ApiProperty({ format: 'uuid' })
  customerId!: string;

  @ApiProperty({ enum: ['completed'] })
  status!: string;

  @ApiProperty({ format: 'date-time' })
  creationDate!: string;

  @ApiProperty({ type: [OrderLineItemDto] })
  lineItems!: OrderLineItemDto[];
}

export class OrderErrorDto {
  @ApiProperty()
  lineItemNumber!: number;

  @ApiProperty({ example: 'market-not-available' })
  code!: string;

  @ApiProperty()
  description!: string;
}

export class CheckoutResultDto {
  @ApiProperty({ type: [OrderDto] })
  orders!: OrderDto[];

  @ApiProperty({ type: [OrderErrorDto], description: 'Refused lines (R-SUB-1: the others still succeed)' })
  orderErrors!: OrderErrorDto[];
}

export class OrderPageDto {
  @ApiProperty({ type: [OrderDto] })
  items!: OrderDto[];

  @ApiPropertyOptional()
  continuationToken?: string;
}

// --- subscriptions ----------------------------------------------------------------------------------

export class RefundOptionDto {
  @ApiProperty({ enum: ['Full', 'Partial'] })
  type!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

export class RefundableBatchDto {
  @ApiProperty()
  quantity!: number;

  @ApiProperty({ format: 'date-time' })
  allowedUntilDateTime!: string;
}

export class RefundableQuantityDto {
  @ApiProperty()
  totalQuantity!: number;

  @ApiProperty({ type: [RefundableBatchDto] })
  details!: RefundableBatchDto[];
}

export class ScheduledInstructionsDto {
  @ApiProperty()
  catalogItemId!: string;

  @ApiProperty()
  quantity!: number;

  @ApiProperty({ enum: TERM_DURATIONS })
  termDuration!: string;

  @ApiProperty({ enum: BILLING_CYCLES })
  billingCycle!: string;

  @ApiPropertyOptional()
  customTermEndDate?: string;

  @ApiPropertyOptional()
  promotionId?: string;
}

export class UpgradedFromDto {
  @ApiProperty({ format: 'uuid' })
  subscriptionId!: string;

  @ApiProperty()
  catalogItemId!: string;
}

export class MigratedFromDto {
  @ApiProperty({ format: 'uuid', description: 'The EA agreement (GET /v1/customers/{customerId}/ea-agreements/{agreementId})' })
  agreementId!: string;

  @ApiProperty()
  agreementNumber!: string;

  @ApiProperty({ description: 'The EA subscription renewed to this one' })
  eaSubscriptionId!: string;
}

export class LifecycleStepDto {
  @ApiProperty({ enum: ['renewal', 'expiry', 'disable', 'delete'] })
  step!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;
}

export class SubscriptionDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  customerId!: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'null for a subscription created by a partial upgrade' })
  orderId!: string | null;

  @ApiProperty({ description: 'The catalog item (productId:skuId:availabilityId)' })
  offerId!: string;

  @ApiProperty()
  productId!: string;

  @ApiProperty()
  skuId!: string;

  @ApiProperty()
  availabilityId!: string;

  @ApiProperty()
  productType!: string;

  @ApiProperty()
  productName!: string;

  @ApiProperty()
  skuName!: string;

  @ApiProperty()
  friendlyName!: string;

  @ApiProperty()
  quantity!: number;

  @ApiProperty({ enum: SUBSCRIPTION_STATUSES })
  status!: string;

  @ApiProperty({ enum: TERM_DURATIONS })
  termDuration!: string;

  @ApiProperty({ enum: BILLING_CYCLES })
  billingCycle!: string;

  @ApiProperty()
  autoRenewEnabled!: boolean;

  @ApiProperty({ format: 'date-time' })
  creationDate!: string;

  @ApiProperty({ example: '2025-01-15', description: 'First day of the current term' })
  effectiveStartDate!: string;

  @ApiProperty({ example: '2026-01-14', description: 'Last day of the term, included whole (R-SUB-2)' })
  commitmentEndDate!: string;

  @ApiProperty({ type: String, nullable: true, enum: ['calendarMonthAligned', 'subscriptionAligned'] })
  termEndAlignment!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The indirect reseller\'s MPN id' })
  partnerId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  promotionId!: string | null;

  @ApiProperty({ type: MoneyDto, description: 'Captured at purchase (R-PRICE-5)' })
  unitPrice!: MoneyDto;

  @ApiProperty()
  discountPercent!: number;

  @ApiProperty({ type: MoneyDto })
  discountedUnitPrice!: MoneyDto;

  @ApiProperty()
  currency!: string;

  @ApiProperty({ type: [RefundOptionDto], description: 'R-CANCEL-1: Full until +24 h, Partial until +168 h' })
  refundOptions!: RefundOptionDto[];

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  cancellationAllowedUntil!: string | null;

  @ApiProperty()
  cancellationWindowPassed!: boolean;

  @ApiProperty({ type: RefundableQuantityDto, description: 'R-CANCEL-2: seats removable now, per batch' })
  refundableQuantity!: RefundableQuantityDto;

  @ApiProperty({ type: ScheduledInstructionsDto, nullable: true })
  scheduledNextTermInstructions!: ScheduledInstructionsDto | null;

  @ApiProperty({ type: UpgradedFromDto, nullable: true })
  upgradedFrom!: UpgradedFromDto | null;

  @ApiProperty({ type: MigratedFromDto, nullable: true, description: 'R-EA-11: set for EA-to-CSP renewals' })
  migratedFrom!: MigratedFromDto | null;

  @ApiProperty({ description: 'R-IND-6: an indirect provider\'s EA renewal whose partner of record (reseller, PATCH partnerId) is not set yet' })
  partnerOfRecordMissing!: boolean;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  suspendedAt!: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  cancelledAt!: string | null;

  @ApiProperty({ description: 'R-SUB-4: false for software bought before 2021-10-14, which never renews automatically' })
  autoRenewAvailable!: boolean;

  @ApiProperty({ type: LifecycleStepDto, nullable: true, description: 'What happens next at the term end or after expiry (R-SUB-6, R-SUB-7)' })
  nextLifecycleStep!: LifecycleStepDto | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'R-SUB-7: the instant the term ended without renewal' })
  expiredAt!: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'R-SUB-7: end of the 30-day grace period (disabled then)' })
  graceEndsAt!: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  disabledAt!: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'R-SUB-7: 90 days after being disabled' })
  deletesAt!: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  deletedAt!: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'R-SUB-7: the expired subscription this one continues (bought in its grace period)' })
  continuesSubscriptionId!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The operator\'s reference when the subscription was imported' })
  importedFrom!: string | null;

  @ApiProperty({ description: 'Stream version of the state shown' })
  version!: number;
}

export class MoneyInputDto {
  @ApiProperty({ example: '120.00', description: 'Decimal string in the currency\'s minor-unit precision' })
  @IsString()
  @Matches(/^\d{1,15}(\.\d{1,4})?$/, { message: 'amount must be a decimal string such as 120.00' })
  amount!: string;

  @ApiProperty({ example: 'EUR' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency!: string;
}

export class ImportSubscriptionDto {
  @ApiProperty({ format: 'uuid', description: 'The partner that bought it (it needs a relationship with the customer)' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  partnerTenantId!: string;

  @CatalogItemIdField({ example: 'DG7GMGF0D5RK:0001:DG7GMGF0H7VH' })
  catalogItemId!: string;

  @QuantityField({ example: 2 })
  quantity!: number;

  @TermDurationField()
  termDuration!: TermDuration;

  @BillingCycleField()
  billingCycle!: BillingCycle;

  @ApiProperty({ example: '2021-09-01', description: 'First day of the current term' })
  @IsCalendarDate()
  effectiveStartDate!: string;

  @ApiPropertyOptional({ example: '2024-08-31', description: 'Last day of the current term (default start + term - 1 day); must not have passed' })
  @Omittable()
  @IsCalendarDate()
  commitmentEndDate?: string;

  @ApiProperty({ type: MoneyInputDto, description: 'Per seat and billing period, in the partner\'s billing currency' })
  @IsDefined()
  @ValidateNested()
  @Type(() => MoneyInputDto)
  unitPrice!: MoneyInputDto;

  @FriendlyNameField()
  friendlyName?: string;

  @ApiPropertyOptional({ default: true, description: 'Forced off for software bought before 2021-10-14 (R-SUB-4)' })
  @Omittable()
  @IsBoolean()
  autoRenewEnabled?: boolean;

  @ApiProperty({ example: 'legacy-contract-4711', description: 'The reference where it was bought; importing it again answers the same subscription' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  source!: string;
}

export class RefundDto {
  @ApiProperty({ type: MoneyDto, description: 'The money returned' })
  amount!: MoneyDto;

  @ApiProperty({ enum: ['Full', 'Partial'] })
  type!: string;
}

export class CancelledSubscriptionDto extends SubscriptionDto {
  @ApiProperty({ type: RefundDto })
  refund!: RefundDto;
}

export class SubscriptionListItemDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  customerId!: string;

  @ApiProperty({ type: String, nullable: true })
  orderId!: string | null;

  @ApiProperty()
  offerId!: string;

  @ApiProperty()
  productId!: string;

  @ApiProperty()
  skuId!: string;

  @ApiProperty()
  productType!: string;

  @ApiProperty()
  skuName!: string;

  @ApiProperty()
  friendlyName!: string;

  @ApiProperty()
  quantity!: number;

  @ApiProperty({ enum: SUBSCRIPTION_STATUSES })
  status!: string;

  @ApiProperty()
  termDuration!: string;

  @ApiProperty()
  billingCycle!: string;

  @ApiProperty()
  autoRenewEnabled!: boolean;

  @ApiProperty({ format: 'date-time' })
  creationDate!: string;

  @ApiProperty()
  effectiveStartDate!: string;

  @ApiProperty()
  commitmentEndDate!: string;

  @ApiProperty({ type: String, nullable: true })
  partnerId!: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  expiredAt!: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  graceEndsAt!: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  continuesSubscriptionId!: string | null;

  @ApiProperty()
  imported!: boolean;

  @ApiProperty({ type: [RefundOptionDto], description: 'R-CANCEL-1: Full until +24 h, Partial until +168 h, at the time of the list' })
  refundOptions!: RefundOptionDto[];

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  cancellationAllowedUntil!: string | null;

  @ApiProperty()
  cancellationWindowPassed!: boolean;

  @ApiProperty({ type: RefundableQuantityDto, description: 'R-CANCEL-2: seats removable at the time of the list, per batch' })
  refundableQuantity!: RefundableQuantityDto;
}

export class SubscriptionPageDto {
  @ApiProperty({ type: [SubscriptionListItemDto] })
  items!: SubscriptionListItemDto[];

  @ApiPropertyOptional()
  continuationToken?: string;
}

export class UpdateSubscriptionDto {
  @QuantityField({ required: false, description: 'Increases any time; decreases only within each batch\'s 7 days (R-CANCEL-2)' })
  quantity?: number;

  @ApiPropertyOptional()
  @Omittable()
  @IsBoolean()
  autoRenewEnabled?: boolean;

  @FriendlyNameField()
  friendlyName?: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'An indirect reseller\'s MPN id; null removes it' })
  // null is meaningful here: it removes the reseller (R-IND-2), so it is accepted.
  @Omittable({ nullable: true })
  @IsString()
  @Matches(MPN, { message: 'partnerId must be an MPN id (1 to 20 digits)' })
  partnerId?: string | null;

  @ApiPropertyOptional({ enum: ['suspended', 'active'] })
  @Omittable()
  @IsIn(['suspended', 'active'])
  status?: 'suspended' | 'active';
}

export class ScheduledChangesDto {
  @CatalogItemIdField({ required: false, description: 'Same SKU (another term) or an upgrade target; default the current item' })
  catalogItemId?: string;

  @QuantityField({ required: false })
  quantity?: number;

  @TermDurationField({ required: false })
  termDuration?: TermDuration;

  @BillingCycleField({ required: false })
  billingCycle?: BillingCycle;

  @ApiPropertyOptional({ example: '2026-12-31' })
  @Omittable()
  @IsCalendarDate()
  customTermEndDate?: string;

  @PromotionIdField({ required: false })
  promotionId?: string;
}

export class TransitionDto {
  @CatalogItemIdField({ example: 'CFQ7TTC0LFK5:0002:CFQ7TTC0LPXG' })
  toCatalogItemId!: string;

  @QuantityField({ description: 'All seats: full upgrade (same id); fewer: partial upgrade (a new subscription)' })
  quantity!: number;
}

export class TransitionResultDto {
  @ApiProperty({ enum: ['full', 'partial'] })
  transitionType!: string;

  @ApiProperty({ enum: ['completed'] })
  status!: string;

  @ApiProperty({ format: 'uuid' })
  fromSubscriptionId!: string;

  @ApiProperty({ format: 'uuid' })
  toSubscriptionId!: string;

  @ApiProperty()
  fromCatalogItemId!: string;

  @ApiProperty()
  toCatalogItemId!: string;

  @ApiProperty()
  quantity!: number;

  @ApiProperty({ type: SubscriptionDto })
  subscription!: SubscriptionDto;

  @ApiPropertyOptional({ type: SubscriptionDto })
  newSubscription?: SubscriptionDto;
}

export class EligibilityErrorDto {
  @ApiProperty()
  code!: string;

  @ApiProperty()
  description!: string;
}

export class TransitionEligibilityDto {
  @ApiProperty()
  catalogItemId!: string;

  @ApiProperty()
  productId!: string;

  @ApiProperty()
  skuId!: string;

  @ApiProperty()
  availabilityId!: string;

  @ApiProperty()
  title!: string;

  @ApiProperty({ type: String, nullable: true })
  termDuration!: string | null;

  @ApiProperty()
  billingCycle!: string;

  @ApiProperty({ enum: ['immediate', 'scheduled'] })
  eligibilityType!: string;

  @ApiProperty()
  isEligible!: boolean;

  @ApiProperty({ type: [EligibilityErrorDto] })
  errors!: EligibilityErrorDto[];
}

export class TransitionEligibilityPageDto {
  @ApiProperty({ type: [TransitionEligibilityDto] })
  items!: TransitionEligibilityDto[];
}

export class CustomTermEndDateDto {
  @ApiProperty({ example: '2025-12-31' })
  customTermEndDate!: string;

  @ApiProperty({ enum: ['calendarMonthAligned', 'subscriptionAligned'] })
  type!: string;

  @ApiPropertyOptional({ type: [String] })
  alignedSubscriptionIds?: string[];
}

export class CustomTermEndDatePageDto {
  @ApiProperty({ type: [CustomTermEndDateDto] })
  items!: CustomTermEndDateDto[];
}

export class HistoryActorDto {
  @ApiProperty()
  userId!: string;

  @ApiProperty()
  tenantId!: string;

  @ApiProperty({ type: [String] })
  roles!: string[];
}

export class HistoryMetadataDto {
  @ApiProperty({ type: HistoryActorDto })
  actor!: HistoryActorDto;

  @ApiProperty()
  correlationId!: string;

  @ApiProperty()
  causationId!: string;
}

export class HistoryEntryDto {
  @ApiProperty({ format: 'uuid' })
  eventId!: string;

  @ApiProperty({ example: 'SubscriptionPurchased' })
  type!: string;

  @ApiProperty()
  streamVersion!: number;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;

  @ApiProperty({ format: 'date-time' })
  recordedAt!: string;

  @ApiProperty({ type: Object })
  data!: unknown;

  @ApiProperty({ type: HistoryMetadataDto })
  metadata!: HistoryMetadataDto;
}

export class HistoryDto {
  @ApiProperty({ type: [HistoryEntryDto] })
  items!: HistoryEntryDto[];
}

// --- query strings ----------------------------------------------------------------------------------

export class SubscriptionListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: SUBSCRIPTION_STATUSES })
  @Omittable()
  @IsIn(SUBSCRIPTION_STATUSES)
  status?: SubscriptionStatus;

  @ApiPropertyOptional({ example: '2026-02-01', description: 'Only terms ending before this day starts (commitmentEndDate earlier than it)' })
  @Omittable()
  @IsCalendarDate()
  endsBefore?: string;
}

export class AsOfQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'The state as of this instant, folded from the events (R-AUDIT-1)' })
  @Omittable()
  @IsISO8601({ strict: true }, { message: 'asOf must be an ISO-8601 instant' })
  asOf?: string;
}

export class EligibilityQueryDto {
  @ApiPropertyOptional({ enum: ['immediate', 'scheduled'], default: 'immediate' })
  @Omittable()
  @IsIn(['immediate', 'scheduled'])
  eligibilityType?: 'immediate' | 'scheduled';
}

export class CustomTermEndDatesQueryDto {
  @TermDurationField()
  termDuration!: TermDuration;

  @ApiPropertyOptional({ example: '2025-01-15', description: 'First day of the term; default today' })
  @Omittable()
  @IsCalendarDate()
  termStartDate?: string;
}
