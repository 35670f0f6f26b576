/**
 * Property decorators shared by the request DTOs. Each `...Field` decorator both documents a field
 * (OpenAPI) and validates it, so the two stay in step; `required: false` in its docs makes the
 * field optional.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO8601, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { CATALOG_ITEM_ID_PATTERN } from '../../../../libs/catalog/src/domain/catalog-item-id';
import { BILLING_CYCLES, TERM_DURATIONS } from '../../../../libs/catalog/src/domain/catalog.types';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A sanity bound; each offer's own maximum is a business rule (422 `quantity-above-maximum`). */
const QUANTITY_BOUND = 1_000_000;

/**
 * Combines decorators listed top-down as if they were stacked on the property. They apply
 * bottom-up, like stacked ones, so class-validator reports a field's messages in the same order.
 */
export function stacked(...decorators: PropertyDecorator[]): PropertyDecorator {
  return applyDecorators(...[...decorators].reverse());
}

/**
 * An optional request field, used instead of @IsOptional (which skips null too): absent means "not
 * sent", but an explicit null is validated and refused like any other wrong type. Only a field whose
 * null has a meaning in the contract (documented `nullable`) passes `{ nullable: true }`.
 * (Not named `Optional`: that is @nestjs/common's DI decorator, which validates nothing.)
 */
export const Omittable = (options: { nullable?: boolean } = {}): PropertyDecorator =>
  ValidateIf((_object: object, value: unknown) => value !== undefined && !(options.nullable === true && value === null));

/** The OpenAPI docs, plus @Omittable for an optional field (accepting null only when documented `nullable`). */
function documented(docs: ApiPropertyOptions): PropertyDecorator[] {
  const { required, ...rest } = docs;
  return required === false ? [ApiPropertyOptional(rest), Omittable({ nullable: rest.nullable === true })] : [ApiProperty(rest)];
}

/** `YYYY-MM-DD`, and a day that exists. */
export const IsCalendarDate = () =>
  stacked(
    Matches(DATE, { message: '$property must be a date YYYY-MM-DD' }),
    IsISO8601({ strict: true }, { message: '$property must be a valid date' }),
  );

/** An offer, `productId:skuId:availabilityId`. */
export const CatalogItemIdField = (docs: ApiPropertyOptions = {}) =>
  stacked(
    ...documented(docs),
    IsString(),
    Matches(CATALOG_ITEM_ID_PATTERN, { message: 'catalogItemId must look like PRODUCTID:SKUID:AVAILABILITYID' }),
  );

/** Seats. */
export const QuantityField = (docs: ApiPropertyOptions = {}) =>
  stacked(...documented({ minimum: 1, ...docs }), IsInt(), Min(1), Max(QUANTITY_BOUND));

export const TermDurationField = (docs: ApiPropertyOptions = {}) =>
  stacked(...documented({ enum: TERM_DURATIONS, ...docs }), IsIn(TERM_DURATIONS));

export const BillingCycleField = (docs: ApiPropertyOptions = {}) =>
  stacked(...documented({ enum: BILLING_CYCLES, ...docs }), IsIn(BILLING_CYCLES));

export const PromotionIdField = (docs: ApiPropertyOptions = {}) =>
  stacked(...documented(docs), IsString(), MinLength(1), MaxLength(100));
