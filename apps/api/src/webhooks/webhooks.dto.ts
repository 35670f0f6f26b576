import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { Omittable } from '../common/field-decorators';
import { MAX_EVENT_TYPES } from '../../../../libs/webhooks/src/application/webhook.commands';
import { MAX_WEBHOOK_URL_LENGTH } from '../../../../libs/webhooks/src/delivery/url-policy';
import { WEBHOOK_EVENT_TYPE_NAMES } from '../../../../libs/webhooks/src/domain/webhook-event-types';
import { ListQueryDto } from '../partners/list-query.dto';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://hooks.contoso.example/csp',
    description: 'https (plain http only to a loopback host when APP_ENV is development or test); no private or link-local address in production',
    maxLength: MAX_WEBHOOK_URL_LENGTH,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url!: string;

  @ApiProperty({ type: [String], example: ['subscription.purchased', 'subscription.cancelled'], description: 'From GET /v1/webhooks/event-types' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EVENT_TYPES)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  eventTypes!: string[];

  @ApiPropertyOptional({ maxLength: 500 })
  @Omittable()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  url!: string;

  @ApiProperty({ type: [String], enum: WEBHOOK_EVENT_TYPE_NAMES })
  eventTypes!: string[];

  @ApiProperty()
  description!: string;

  @ApiProperty({ enum: ['active', 'disabled'], description: '`disabled` after the endpoint answered 410 Gone' })
  status!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'Standard Webhooks secret; shown in this answer only' })
  secret!: string;
}

export class RotatedSecretDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'The new secret; shown in this answer only' })
  secret!: string;

  @ApiProperty({ format: 'date-time', description: 'Deliveries carry a signature with the previous secret too until then' })
  previousSecretValidUntil!: string;
}

export class WebhookPageDto {
  @ApiProperty({ type: [WebhookDto] })
  items!: WebhookDto[];

  @ApiPropertyOptional()
  continuationToken?: string;
}

export class WebhookEventTypeDto {
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPE_NAMES })
  type!: string;

  @ApiProperty()
  description!: string;
}

export class WebhookEventTypeListDto {
  @ApiProperty({ type: [WebhookEventTypeDto] })
  items!: WebhookEventTypeDto[];
}

export class DeliveryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  webhookId!: string;

  @ApiProperty({ format: 'uuid', description: 'The `webhook-id` header and the body\'s `id`, the same on every attempt' })
  messageId!: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPE_NAMES })
  eventType!: string;

  @ApiProperty({ format: 'uuid' })
  eventId!: string;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;

  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] })
  status!: string;

  @ApiProperty()
  attempts!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastAttemptAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  nextAttemptAt!: string | null;

  @ApiProperty({ type: Number, nullable: true })
  lastStatusCode!: number | null;

  @ApiProperty({ type: String, nullable: true })
  lastError!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deliveredAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  failedAt!: string | null;
}

export class DeliveryPageDto {
  @ApiProperty({ type: [DeliveryDto] })
  items!: DeliveryDto[];

  @ApiPropertyOptional()
  continuationToken?: string;
}

export class DeliveryListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'delivered', 'failed'] })
  @Omittable()
  @IsIn(['pending', 'delivered', 'failed'])
  status?: 'pending' | 'delivered' | 'failed';
}
