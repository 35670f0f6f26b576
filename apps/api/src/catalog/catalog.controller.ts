import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Roles } from '../../../../libs/auth/src/decorators';
import { CatalogCommands, type PublishedPriceList } from '../../../../libs/catalog/src/application/catalog.commands.service';
import { CatalogService } from '../../../../libs/catalog/src/application/catalog.service';
import { priceView, productView, type PriceView, type ProductView, type PromotionView } from '../../../../libs/catalog/src/application/catalog.views';
import { isCatalogIdPart } from '../../../../libs/catalog/src/domain/catalog-item-id';
import { utcDateOf } from '../../../../libs/catalog/src/domain/dates';
import { isKnownMarket, isPriceCurrency } from '../../../../libs/catalog/src/domain/markets';
import { CatalogQueries } from '../../../../libs/catalog/src/read-models/catalog.queries';
import { Clock } from '../../../../libs/clock/src';
import { DomainError, invalid, notFound } from '../../../../libs/core/src';
import { CommandContextFactory } from '../request-context/command-context.factory';
import { RequestMeta } from '../request-context/request-meta.decorator';
import {
  CreatePromotionDto,
  PriceListDto,
  PriceQueryDto,
  ProductDto,
  ProductListQueryDto,
  ProductPageDto,
  PromotionDto,
  PromotionListDto,
  PromotionQueryDto,
  PublishPriceListDto,
  PublishProductDto,
  UpdateSkuDto,
} from './catalog.dto';

function assertMarket(market: string | undefined): void {
  if (market !== undefined && !isKnownMarket(market)) {
    throw invalid('unknown-market', `market ${market} is not a known ISO 3166 alpha-2 code`, { field: 'market' });
  }
}

function assertCurrency(currency: string): void {
  if (!isPriceCurrency(currency)) {
    throw invalid('unknown-currency', `currency ${currency} is not a supported billing currency`, { field: 'currency' });
  }
}

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('v1')
export class CatalogController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly commands: CatalogCommands,
    private readonly queries: CatalogQueries,
    private readonly contexts: CommandContextFactory,
    private readonly clock: Clock,
  ) {}

  @Get('products')
  @ApiOperation({
    summary: 'Products with their SKUs and availabilities; from a read model',
    description: 'End-of-sale SKUs are left out unless `includeEndOfSale=true` (then flagged by `saleStatus`).',
  })
  @ApiOkResponse({ type: ProductPageDto })
  listProducts(@Query() query: ProductListQueryDto): Promise<{ items: ProductView[]; continuationToken?: string }> {
    assertMarket(query.market);
    return this.queries.listProducts({ ...query, limit: query.limit ?? 100 });
  }

  @Get('products/:productId')
  @ApiOperation({ summary: 'One product, every SKU included (end-of-sale ones flagged)' })
  @ApiOkResponse({ type: ProductDto })
  @ApiNotFoundResponse({ description: 'no such product' })
  async getProduct(@Param('productId') productId: string): Promise<ProductView> {
    const product = isCatalogIdPart(productId) ? await this.catalog.getProduct(productId) : null;
    if (!product) throw notFound('product', productId);
    return productView(product);
  }

  @Post('catalog/products')
  @Roles('operator')
  @ApiOperation({
    summary: 'Publish a product (operator)',
    description: 'Creates what is new and changes what differs; the same definition again changes nothing.',
  })
  @ApiCreatedResponse({ type: ProductDto })
  @ApiBadRequestResponse({ description: '`validation-failed`, `invalid-product`' })
  @ApiConflictResponse({ description: '`product-type-immutable`, `availability-term-immutable`' })
  @ApiUnprocessableEntityResponse({ description: '`term-not-allowed`, `billing-plan-not-allowed`, `unknown-sku-reference`' })
  async publishProduct(@Body() body: PublishProductDto, @RequestMeta() meta: RequestMeta): Promise<ProductView> {
    const { value } = await this.commands.publishProduct(body, this.contexts.forRequest(meta));
    return productView(value);
  }

  @Patch('catalog/products/:productId/skus/:skuId')
  @Roles('operator')
  @ApiOperation({ summary: 'Change a SKU (operator): sale status (end-of-sale), segment, prerequisites, upgrade targets...' })
  @ApiOkResponse({ type: ProductDto })
  @ApiNotFoundResponse({ description: 'no such product or SKU' })
  @ApiUnprocessableEntityResponse({ description: '`unknown-sku-reference`' })
  async updateSku(
    @Param('productId') productId: string,
    @Param('skuId') skuId: string,
    @Body() body: UpdateSkuDto,
    @RequestMeta() meta: RequestMeta,
  ): Promise<ProductView> {
    const { value } = await this.commands.updateSku(productId, skuId, { ...body }, this.contexts.forRequest(meta));
    return productView(value);
  }

  @Get('prices')
  @ApiOperation({
    summary: 'Prices of the list in force on a date for a market and currency (R-PRICE-2); from a read model',
    description: 'With a catalogItemId and no price in force: 404 `no-price`.',
  })
  @ApiOkResponse({ type: PriceListDto })
  @ApiNotFoundResponse({ description: '`no-price`' })
  async listPrices(@Query() query: PriceQueryDto): Promise<{ items: PriceView[] }> {
    assertMarket(query.market);
    assertCurrency(query.currency);
    const date = query.date ?? utcDateOf(this.clock.now());
    const items = await this.queries.listPrices({ ...query, date });
    if (items.length === 0 && query.catalogItemId) {
      throw new DomainError('not-found', 'no-price', `no ${query.market}/${query.currency} price list in force on ${date} prices ${query.catalogItemId}`, {
        market: query.market,
        currency: query.currency,
        catalogItemId: query.catalogItemId,
        date,
      });
    }
    return { items };
  }

  @Post('price-lists')
  @Roles('operator')
  @ApiOperation({
    summary: 'Publish a price list version (operator)',
    description:
      'The same version again changes nothing; a version already in force cannot change (409 `price-list-in-force`), a future one is replaced.',
  })
  @ApiCreatedResponse({ type: PriceListDto })
  @ApiBadRequestResponse({ description: '`validation-failed`, `unknown-market`, `unknown-currency`, `invalid-amount`, `negative-price`, `duplicate-price-item`' })
  @ApiConflictResponse({ description: '`price-list-in-force`' })
  @ApiUnprocessableEntityResponse({ description: '`unknown-catalog-item`, `billing-plan-not-offered`, `market-not-available`' })
  async publishPriceList(
    @Body() body: PublishPriceListDto,
    @RequestMeta() meta: RequestMeta,
  ): Promise<{ market: string; currency: string; effectiveFrom: string; taxInclusive: boolean; items: PriceView[] }> {
    const { value } = await this.commands.publishPriceList(body, this.contexts.forRequest(meta));
    return priceListView(value);
  }

  @Get('promotions')
  @ApiOperation({ summary: 'Promotions, optionally for a market, a catalog item and a date; from a read model' })
  @ApiOkResponse({ type: PromotionListDto })
  async listPromotions(@Query() query: PromotionQueryDto): Promise<{ items: PromotionView[] }> {
    assertMarket(query.market);
    return { items: await this.queries.listPromotions(query) };
  }

  @Post('promotions')
  @Roles('operator')
  @ApiOperation({
    summary: 'Create a promotion (operator)',
    description: 'Windows of two promotions may not overlap on the same catalog item, market, term and billing plan.',
  })
  @ApiCreatedResponse({ type: PromotionDto })
  @ApiConflictResponse({ description: '`promotion-overlap`, `promotion-exists`' })
  @ApiUnprocessableEntityResponse({ description: '`unknown-catalog-item`' })
  async createPromotion(@Body() body: CreatePromotionDto, @RequestMeta() meta: RequestMeta): Promise<PromotionView> {
    const { value } = await this.commands.createPromotion({ ...body }, this.contexts.forRequest(meta));
    return value;
  }
}

function priceListView(list: PublishedPriceList) {
  return {
    market: list.market,
    currency: list.currency,
    effectiveFrom: list.effectiveFrom,
    taxInclusive: list.taxInclusive,
    items: list.items.map((item) =>
      priceView({ market: list.market, currency: list.currency, effectiveFrom: list.effectiveFrom, taxInclusive: list.taxInclusive, ...item }),
    ),
  };
}
