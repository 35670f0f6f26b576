import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Omittable } from '../common/field-decorators';
import { DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE } from '../../../../libs/audit/src/application/audit-reader';

export class AuditFeedQueryDto {
  @ApiPropertyOptional({ description: 'Position of the last event already read (the `position` of an event, or the continuationToken)' })
  @Omittable()
  @IsString()
  @MaxLength(200)
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_AUDIT_PAGE, default: DEFAULT_AUDIT_PAGE })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_AUDIT_PAGE)
  limit?: number;
}

export class AuditStreamQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_AUDIT_PAGE, default: MAX_AUDIT_PAGE })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_AUDIT_PAGE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The continuationToken of the previous page' })
  @Omittable()
  @IsString()
  @Matches(/^\d{1,10}$/, { message: 'continuationToken is not one this API issued' })
  continuationToken?: string;
}

export class AuditActorDto {
  @ApiProperty()
  userId!: string;

  @ApiProperty({ description: 'A partner\'s or customer\'s tenant id, or `operator`' })
  tenantId!: string;

  @ApiProperty({ type: [String] })
  roles!: string[];
}

export class AuditMetadataDto {
  @ApiProperty({ type: AuditActorDto })
  actor!: AuditActorDto;

  @ApiProperty()
  correlationId!: string;

  @ApiProperty({ description: 'The request or event that caused it' })
  causationId!: string;
}

export class AuditEventDto {
  @ApiProperty({ format: 'uuid' })
  eventId!: string;

  @ApiProperty({ example: 'SubscriptionPurchased' })
  type!: string;

  @ApiProperty({ example: 'subscription-3f0c...' })
  streamName!: string;

  @ApiProperty()
  streamVersion!: number;

  @ApiProperty({ description: 'Opaque; sorts in log order' })
  position!: string;

  @ApiProperty({ format: 'date-time', description: 'Domain time of the change' })
  occurredAt!: string;

  @ApiProperty({ format: 'date-time', description: 'When the store recorded it' })
  recordedAt!: string;

  @ApiProperty({ type: Object, description: 'The event\'s data; secrets and password hashes are redacted' })
  data!: unknown;

  @ApiProperty({ type: AuditMetadataDto })
  metadata!: AuditMetadataDto;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEventDto] })
  items!: AuditEventDto[];

  @ApiPropertyOptional()
  continuationToken?: string;
}
