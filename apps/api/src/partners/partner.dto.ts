import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PARTNER_KINDS, type PartnerKind } from '../../../../libs/partners/src/domain/partner.events';
import { COUNTRY_CODES, CSP_REGIONS } from '../../../../libs/regions/src';

export class CreatePartnerDto {
  @ApiProperty({ example: 'Contoso Cloud GmbH', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: PARTNER_KINDS })
  @IsIn(PARTNER_KINDS)
  kind!: PartnerKind;

  @ApiProperty({ example: '1234567', description: 'MPN / partner-location id (digits); unique among partners' })
  @IsString()
  @Matches(/^[0-9]{1,20}$/, { message: 'partnerId must be 1 to 20 digits' })
  partnerId!: string;

  @ApiProperty({ example: 'DE', description: 'ISO 3166-1 alpha-2; the CSP region is derived from it' })
  @IsIn(COUNTRY_CODES, { message: 'country must be an ISO 3166-1 alpha-2 code (upper case)' })
  country!: string;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 billing currency' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code (upper case)' })
  currency!: string;

  @ApiProperty({ example: 'partner-ops@contoso.example' })
  @IsEmail()
  @MaxLength(254)
  email!: string;
}

export class PartnerDto {
  @ApiProperty({ format: 'uuid', description: 'The partner tenant id' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: PARTNER_KINDS })
  kind!: string;

  @ApiProperty({ example: '1234567' })
  partnerId!: string;

  @ApiProperty({ example: 'DE' })
  country!: string;

  @ApiProperty({ enum: CSP_REGIONS.map((r) => r.id), example: 'europe' })
  region!: string;

  @ApiProperty({ example: 'EUR' })
  currency!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class PartnerPageDto {
  @ApiProperty({ type: [PartnerDto] })
  items!: PartnerDto[];

  @ApiPropertyOptional()
  continuationToken?: string;
}
