import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  BILLING_CYCLES,
  PRODUCT_TYPES,
  SALE_STATUSES,
  SEGMENTS,
  TERM_DURATIONS,
  type BillingCycle,
  type ProductType,
  type SaleStatus,
  type Segment,
  type TermDuration,
} from '../../../../libs/catalog/src/domain/catalog.types';
import { CATALOG_ID_PART, CATALOG_ITEM_ID_PATTERN, SKU_REF_PATTERN } from '../../../../libs/catalog/src/domain/catalog-item-id';
import { BillingCycleField, Omittable, stacked, TermDurationField } from '../common/field-decorators';

const ID_PART = new RegExp(`^${CATALOG_ID_PART}$`);
const CATALOG_ITEM_ID = CATALOG_ITEM_ID_PATTERN;
const SKU_REF = SKU_REF_PATTERN;
const MARKET = /^[A-Z]{2}$/;
const CURRENCY = /^[A-Z]{3}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const idPart = { message: '$property must be 4 to 16 upper-case letters or digits' };
const catalogItemId = { message: '$property must be productId:skuId:availabilityId' };
const market = { message: '$property must be an ISO 3166-1 alpha-2 code (upper case)' };
const currency = { message: '$property must be an ISO 4217 code (upper case)' };
const date = { message: '$property must be a YYYY-MM-DD date' };

/** SKU references (`productId:skuId`): prerequisites and upgrade targets, on publish and on update. */
const IsSkuRefList = () =>
  stacked(
    IsArray(),
    ArrayMaxSize(100),
    Matches(SKU_REF, { each: true, message: 'each $property must be productId:skuId' }),
  );

/** The markets a SKU is not sold in, on publish and on update. */
const IsExcludedMarketList = () =>
  stacked(
    IsArray(),
    ArrayMaxSize(300),
    Matches(MARKET, { each: true, message: 'each $property must be an ISO 3166-1 alpha-2 code (upper case)' }),
  );

/** `?flag=true|false` -> boolean; anything else stays as it is and fails @IsBoolean. */
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class AvailabilityInputDto {
  @ApiProperty({ example: 'CFQ7TTC0K5T5' })
  @Matches(ID_PART, idPart)
  id!: string;

  // null is meaningful here (perpetual software, no term); `nullable: true` makes the field accept it.
  @TermDurationField({ required: false, nullable: true, description: 'Omitted or null for perpetual software' })
  termDuration?: TermDuration | null;

  @ApiProperty({ enum: BILLING_CYCLES, isArray: true, example: ['monthly', 'annual'] })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(BILLING_CYCLES, { each: true })
  billingCycles!: BillingCycle[];
}

export class SkuInputDto {
  @ApiProperty({ example: '0001' })
  @Matches(ID_PART, idPart)
  id!: string;

  @ApiProperty({ example: 'Microsoft 365 E3 (no Teams)' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  title!: string;

  @ApiProperty({ example: 'Microsoft_365_E3_(no_Teams)' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  provisioningId!: string;

  @ApiPropertyOptional({ enum: SEGMENTS, description: "Defaults to the product's segment" })
  @Omittable()
  @IsIn(SEGMENTS)
  segment?: Segment;

  @ApiPropertyOptional({ enum: SALE_STATUSES, default: 'available' })
  @Omittable()
  @IsIn(SALE_STATUSES)
  saleStatus?: SaleStatus;

  @ApiPropertyOptional({ type: [String], example: ['CFQ7TTC0LFLZ:0002'], description: 'productId:skuId of the SKUs an add-on needs' })
  @Omittable()
  @IsSkuRefList()
  prerequisiteSkuIds?: string[];

  @ApiPropertyOptional({ type: [String], example: ['CFQ7TTC0LFK5:0002'], description: 'productId:skuId of the upgrade targets' })
  @Omittable()
  @IsSkuRefList()
  upgradeTargetSkuIds?: string[];

  @ApiPropertyOptional({ default: true })
  @Omittable()
  @IsBoolean()
  cancellable?: boolean;

  @ApiPropertyOptional({ default: true })
  @Omittable()
  @IsBoolean()
  exchangeable?: boolean;

  @ApiPropertyOptional({ type: [String], example: ['CN'], description: 'Markets where this SKU is not sold' })
  @Omittable()
  @IsExcludedMarketList()
  excludedMarkets?: string[];

  @ApiProperty({ type: [AvailabilityInputDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => AvailabilityInputDto)
  availabilities!: AvailabilityInputDto[];
}

/**
 * A product with its SKUs and availabilities. Publishing it again changes only what differs;
 * SKUs and availabilities it leaves out are kept.
 */
export class PublishProductDto {
  @ApiProperty({ example: 'CFQ7TTC0LFLZ' })
  @Matches(ID_PART, idPart)
  id!: string;

  @ApiProperty({ example: 'Microsoft 365 E3' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  title!: string;

  @ApiProperty({ enum: PRODUCT_TYPES })
  @IsIn(PRODUCT_TYPES)
  productType!: ProductType;

  @ApiPropertyOptional({ enum: SEGMENTS, default: 'commercial' })
  @Omittable()
  @IsIn(SEGMENTS)
  segment?: Segment;

  @ApiProperty({ type: [SkuInputDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => SkuInputDto)
  skus!: SkuInputDto[];
}

/** Changes some attributes of a SKU; only the fields sent change. */
export class UpdateSkuDto {
  @ApiPropertyOptional({ enum: SALE_STATUSES })
  @Omittable()
  @IsIn(SALE_STATUSES)
  saleStatus?: SaleStatus;

  @ApiPropertyOptional({ enum: SEGMENTS })
  @Omittable()
  @IsIn(SEGMENTS)
  segment?: Segment;

  @ApiPropertyOptional()
  @Omittable()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  title?: string;

  @ApiPropertyOptional()
  @Omittable()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  provisioningId?: string;

  @ApiPropertyOptional({ type: [String] })
  @Omittable()
  @IsSkuRefList()
  prerequisiteSkuIds?: string[];

  @ApiPropertyOptional({ type: [String] })
  @Omittable()
  @IsSkuRefList()
  upgradeTargetSkuIds?: string[];

  @ApiPropertyOptional()
  @Omittable()
  @IsBoolean()
  cancellable?: boolean;

  @ApiPropertyOptional()
  @Omittable()
  @IsBoolean()
  exchangeable?: boolean;

  @ApiPropertyOptional({ type: [String] })
  @Omittable()
  @IsExcludedMarketList()
  excludedMarkets?: string[];
}

export class PriceItemInputDto {
  @ApiProperty({ example: 'CFQ7TTC0LFLZ:0002:CFQ7TTC0JSWX' })
  @Matches(CATALOG_ITEM_ID, catalogItemId)
  catalogItemId!: string;

  @BillingCycleField()
  billingCycle!: BillingCycle;

  @ApiProperty({ example: '405.00', description: "Decimal string in the list's currency, per seat and billing period" })
  @IsString()
  @MaxLength(32)
  unitPrice!: string;
}

export class PublishPriceListDto {
  @ApiProperty({ example: 'DE', description: "The customers' market (ISO 3166-1 alpha-2)" })
  @Matches(MARKET, market)
  market!: string;

  @ApiProperty({ example: 'EUR', description: 'The partner billing currency (ISO 4217)' })
  @Matches(CURRENCY, currency)
  currency!: string;

  @ApiProperty({ example: '2026-12-01', description: 'In force from 00:00 UTC that day until the next version' })
  @Matches(DATE, date)
  effectiveFrom!: string;

  @ApiProperty({ type: [PriceItemInputDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20_000)
  @ValidateNested({ each: true })
  @Type(() => PriceItemInputDto)
  items!: PriceItemInputDto[];
}

export class CreatePromotionDto {
  @ApiProperty({ example: 'NCE-M365E5-ANNUAL-15' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: '$property must be 1 to 64 letters, digits, dots, dashes or underscores' })
  id!: string;

  @ApiProperty({ example: 'Microsoft 365 E5 (no Teams): 15 % off annual terms' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  name!: string;

  @ApiProperty({ minimum: 1, maximum: 100, example: 15, description: 'Whole percent off the partner price' })
  @IsInt()
  @Min(1)
  @Max(100)
  discountPercent!: number;

  @ApiProperty({ example: '2026-12-01', description: 'First day (UTC) the promotion applies' })
  @Matches(DATE, date)
  startDate!: string;

  @ApiProperty({ example: '2027-02-28', description: 'Last day (UTC) the promotion applies' })
  @Matches(DATE, date)
  endDate!: string;

  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @Matches(CATALOG_ITEM_ID, { each: true, message: 'each $property must be productId:skuId:availabilityId' })
  catalogItemIds!: string[];

  @ApiProperty({ type: [String], example: ['DE', 'FR'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(300)
  @Matches(MARKET, { each: true, message: 'each $property must be an ISO 3166-1 alpha-2 code (upper case)' })
  markets!: string[];

  @ApiProperty({ enum: TERM_DURATIONS, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(TERM_DURATIONS, { each: true })
  termDurations!: TermDuration[];

  @ApiProperty({ enum: BILLING_CYCLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(BILLING_CYCLES, { each: true })
  billingCycles!: BillingCycle[];
}

export class ProductListQueryDto {
  @ApiPropertyOptional({ example: 'DE', description: 'Only SKUs sold in this customer market' })
  @Omittable()
  @Matches(MARKET, market)
  market?: string;

  @ApiPropertyOptional({ enum: SEGMENTS })
  @Omittable()
  @IsIn(SEGMENTS)
  segment?: Segment;

  @ApiPropertyOptional({ enum: PRODUCT_TYPES })
  @Omittable()
  @IsIn(PRODUCT_TYPES)
  productType?: ProductType;

  @ApiPropertyOptional({ default: false, description: 'Also list end-of-sale SKUs (flagged by saleStatus); hidden by default' })
  @Omittable()
  @Transform(toBoolean)
  @IsBoolean()
  includeEndOfSale?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'The continuationToken of the previous page' })
  @Omittable()
  @IsString()
  @MaxLength(1000)
  continuationToken?: string;
}

export class PriceQueryDto {
  @ApiProperty({ example: 'DE' })
  @Matches(MARKET, market)
  market!: string;

  @ApiProperty({ example: 'EUR' })
  @Matches(CURRENCY, currency)
  currency!: string;

  @ApiPropertyOptional({ example: 'CFQ7TTC0LFLZ:0002:CFQ7TTC0JSWX' })
  @Omittable()
  @Matches(CATALOG_ITEM_ID, catalogItemId)
  catalogItemId?: string;

  @BillingCycleField({ required: false })
  billingCycle?: BillingCycle;

  @ApiPropertyOptional({ example: '2026-11-21', description: 'The day whose price list applies (default: today, UTC)' })
  @Omittable()
  @Matches(DATE, date)
  date?: string;
}

export class PromotionQueryDto {
  @ApiPropertyOptional({ example: 'DE' })
  @Omittable()
  @Matches(MARKET, market)
  market?: string;

  @ApiPropertyOptional({ example: 'CFQ7TTC0LFK5:0002:CFQ7TTC0F8J0' })
  @Omittable()
  @Matches(CATALOG_ITEM_ID, catalogItemId)
  catalogItemId?: string;

  @ApiPropertyOptional({ example: '2026-11-21', description: 'Only promotions valid that day' })
  @Omittable()
  @Matches(DATE, date)
  date?: string;
}

// Answers (OpenAPI only).

export class MoneyDto {
  @ApiProperty({ example: '405.00' })
  amount!: string;

  @ApiProperty({ example: 'EUR' })
  currency!: string;
}

export class AvailabilityDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'CFQ7TTC0LFLZ:0002:CFQ7TTC0JSWX' }) catalogItemId!: string;
  @ApiProperty({ enum: TERM_DURATIONS, nullable: true }) termDuration!: TermDuration | null;
  @ApiProperty({ enum: BILLING_CYCLES, isArray: true }) billingCycles!: BillingCycle[];
}

export class SkuDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() provisioningId!: string;
  @ApiProperty({ enum: SALE_STATUSES }) saleStatus!: SaleStatus;
  @ApiProperty({ enum: SEGMENTS }) segment!: Segment;
  @ApiProperty() isAddOn!: boolean;
  @ApiProperty({ type: [String] }) prerequisiteSkuIds!: string[];
  @ApiProperty({ type: [String] }) upgradeTargetSkuIds!: string[];
  @ApiProperty() cancellable!: boolean;
  @ApiProperty() exchangeable!: boolean;
  @ApiProperty({ type: [String] }) excludedMarkets!: string[];
  @ApiProperty({ type: [AvailabilityDto] }) availabilities!: AvailabilityDto[];
}

export class ProductDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: PRODUCT_TYPES }) productType!: ProductType;
  @ApiProperty({ enum: SEGMENTS }) segment!: Segment;
  @ApiProperty({ type: [SkuDto] }) skus!: SkuDto[];
}

export class ProductPageDto {
  @ApiProperty({ type: [ProductDto] }) items!: ProductDto[];
  @ApiPropertyOptional() continuationToken?: string;
}

export class PriceDto {
  @ApiProperty() market!: string;
  @ApiProperty() currency!: string;
  @ApiProperty() catalogItemId!: string;
  @ApiProperty({ enum: BILLING_CYCLES }) billingCycle!: BillingCycle;
  @ApiProperty({ type: MoneyDto }) unitPrice!: MoneyDto;
  @ApiProperty() taxInclusive!: boolean;
  @ApiProperty({ example: '2026-11-01' }) effectiveFrom!: string;
}

export class PriceListDto {
  @ApiProperty({ type: [PriceDto] }) items!: PriceDto[];
}

export class PromotionDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() discountPercent!: number;
  @ApiProperty() startDate!: string;
  @ApiProperty() endDate!: string;
  @ApiProperty({ type: [String] }) catalogItemIds!: string[];
  @ApiProperty({ type: [String] }) markets!: string[];
  @ApiProperty({ enum: TERM_DURATIONS, isArray: true }) termDurations!: TermDuration[];
  @ApiProperty({ enum: BILLING_CYCLES, isArray: true }) billingCycles!: BillingCycle[];
}

export class PromotionListDto {
  @ApiProperty({ type: [PromotionDto] }) items!: PromotionDto[];
}
