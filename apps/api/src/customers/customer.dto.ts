import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsDefined,
  IsFQDN,
  IsIn,
  IsISO8601,
  IsObject,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Omittable } from '../common/field-decorators';
import { AGREEMENT_TYPES, type AgreementType } from '../../../../libs/customers/src/domain/customer.events';
import { PARTNER_KINDS } from '../../../../libs/partners/src/domain/partner.events';
import { COUNTRY_CODES, CSP_REGIONS } from '../../../../libs/regions/src';

const REGION_IDS = CSP_REGIONS.map((r) => r.id);

export class ContactDto {
  @ApiProperty({ example: 'Ada', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  firstName!: string;

  @ApiProperty({ example: 'Muster', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  lastName!: string;

  @ApiProperty({ example: 'ada@fabrikam.example' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiPropertyOptional({ example: '+43 1 234567' })
  @Omittable()
  @IsString()
  @Matches(/^\+?[0-9][0-9 ()/-]{2,31}$/, { message: 'phone must be a telephone number' })
  phone?: string;
}

export class CreateCustomerDto {
  @ApiProperty({ example: 'Fabrikam AG', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  companyName!: string;

  @ApiProperty({ example: 'AT', description: 'ISO 3166-1 alpha-2 market; must be in the partner\'s CSP region' })
  @IsIn(COUNTRY_CODES, { message: 'country must be an ISO 3166-1 alpha-2 code (upper case)' })
  country!: string;

  @ApiProperty({ example: 'fabrikam.onmicrosoft.com', description: 'The tenant\'s domain; unique across customers' })
  @IsString()
  @MaxLength(253)
  @IsFQDN({ require_tld: true, allow_underscores: false }, { message: 'domain must be a fully qualified domain name' })
  domain!: string;

  @ApiProperty({ type: ContactDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ContactDto)
  contact!: ContactDto;

  @ApiPropertyOptional({ example: '7654321', description: 'An indirect provider creates the customer for this indirect reseller' })
  @Omittable()
  @IsString()
  @Matches(/^[0-9]{1,20}$/, { message: 'indirectResellerPartnerId must be 1 to 20 digits' })
  indirectResellerPartnerId?: string;
}

export class RelationshipDto {
  @ApiProperty({ format: 'uuid' })
  partnerTenantId!: string;

  @ApiProperty({ enum: PARTNER_KINDS })
  partnerKind!: string;

  @ApiProperty({ enum: ['customer-creation', 'relationship-request'] })
  via!: string;

  @ApiPropertyOptional({ format: 'uuid' })
  indirectProviderTenantId?: string;

  @ApiProperty({ format: 'date-time' })
  establishedAt!: string;
}

export class CustomerDto {
  @ApiProperty({ format: 'uuid', description: 'The customer\'s tenant id' })
  id!: string;

  @ApiProperty()
  companyName!: string;

  @ApiProperty({ example: 'AT' })
  country!: string;

  @ApiProperty({ enum: REGION_IDS })
  region!: string;

  @ApiProperty()
  domain!: string;

  @ApiProperty({ type: ContactDto })
  contact!: ContactDto;

  @ApiProperty({ type: String, nullable: true, example: 'admin@fabrikam.onmicrosoft.com' })
  adminUserName!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: [RelationshipDto], description: 'A partner sees only its own relationship' })
  relationships!: RelationshipDto[];

  @ApiProperty({ description: 'A customer agreement has been attested (R-CUST-6)' })
  agreementAttested!: boolean;

  @ApiProperty({ description: 'Stream version of the state shown' })
  version!: number;
}

export class AdminCredentialsDto {
  @ApiProperty({ example: 'admin@fabrikam.onmicrosoft.com' })
  userName!: string;

  @ApiProperty({ description: 'Shown in this answer only; never retrievable again' })
  temporaryPassword!: string;
}

export class CreatedCustomerDto extends CustomerDto {
  @ApiProperty({ type: AdminCredentialsDto })
  adminCredentials!: AdminCredentialsDto;
}

export class CustomerListItemDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  companyName!: string;

  @ApiProperty()
  country!: string;

  @ApiProperty({ enum: REGION_IDS })
  region!: string;

  @ApiProperty()
  domain!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty()
  agreementAttested!: boolean;
}

export class CustomerPageDto {
  @ApiProperty({ type: [CustomerListItemDto] })
  items!: CustomerListItemDto[];

  @ApiPropertyOptional()
  continuationToken?: string;
}

export class AgreementContactDto {
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  firstName!: string;

  @ApiProperty({ maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  lastName!: string;

  @ApiProperty()
  @IsEmail()
  @MaxLength(254)
  email!: string;
}

export class CreateAgreementDto {
  @ApiProperty({ enum: AGREEMENT_TYPES })
  @IsIn(AGREEMENT_TYPES)
  type!: AgreementType;

  @ApiProperty({ type: AgreementContactDto, description: 'The customer\'s person who accepted the agreement' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => AgreementContactDto)
  primaryContact!: AgreementContactDto;

  @ApiProperty({ example: '2025-01-14', description: 'YYYY-MM-DD, not in the future' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dateAgreed must be a date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'dateAgreed must be a valid date' })
  dateAgreed!: string;
}

export class AgreementDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: AGREEMENT_TYPES })
  type!: string;

  @ApiProperty({ type: AgreementContactDto })
  primaryContact!: AgreementContactDto;

  @ApiProperty({ example: '2025-01-14' })
  dateAgreed!: string;

  @ApiProperty({ format: 'uuid' })
  partnerTenantId!: string;

  @ApiProperty({ description: 'The partner user who attested' })
  userId!: string;

  @ApiProperty({ format: 'date-time' })
  attestedAt!: string;
}

export class AgreementPageDto {
  @ApiProperty({ type: [AgreementDto] })
  items!: AgreementDto[];
}

export class CreateRelationshipRequestDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Bind the request to this customer tenant' })
  @Omittable()
  @IsUUID()
  customerId?: string;
}

export class RelationshipRequestDto {
  @ApiProperty({ description: 'Link the customer\'s admin opens to accept' })
  url!: string;

  @ApiProperty({ description: 'Single use' })
  token!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

export class AcceptedRelationshipDto {
  @ApiProperty({ format: 'uuid' })
  requestId!: string;

  @ApiProperty({ format: 'uuid' })
  customerId!: string;

  @ApiProperty({ format: 'uuid' })
  partnerTenantId!: string;

  @ApiProperty({ format: 'date-time' })
  establishedAt!: string;
}
