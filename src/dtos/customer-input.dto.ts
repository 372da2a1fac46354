import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsTimeZone, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsChannelName, IsExternalId, IsJsonObject, IsPastDateTime, IsStringMap } from './customer-data.validators';
import { MAX_ATTRIBUTES_BYTES, SEGMENTS, type Segment } from './customer.dto';
import { EXAMPLE } from './example-values';
import { PageQueryDto } from './page.dto';

/** What clients send about customers: profiles to upsert, identifications, list filters. */

const MAX_CONSENT_STATEMENTS = 50;
const ONE_DAY_MS = 86_400_000;

export class ChannelAddressesDto {
  @ApiPropertyOptional({ nullable: true, type: String, example: 'ana@example.com', description: 'null removes it.' })
  @IsOptional()
  @IsEmail({}, { message: '$property must be an email address' })
  @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: '+34600111222', description: 'E.164; null removes it.' })
  @IsOptional()
  @Matches(/^\+[1-9]\d{6,14}$/, { message: '$property must be a phone number in E.164 form such as +34600111222, got "$value"' })
  phone?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: [String],
    description: 'Device push tokens; replaces the list; null removes it.',
    example: ['fcm:dQw4w9WgXcQ:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(/^[^\p{Cc}]{1,4096}$/u, { each: true, message: '$property must hold tokens of 1 to 4096 characters without control characters' })
  pushTokens?: string[] | null;

  @ApiPropertyOptional({
    nullable: true,
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { whatsapp: '+34600111222' },
    description: 'Addresses on other channels, by channel name; replaces the map; null removes it.',
  })
  @IsOptional()
  @IsStringMap({ maxEntries: 20 })
  other?: Record<string, string> | null;
}

export class ConsentStatementDto {
  @ApiProperty({ example: 'email' })
  @IsChannelName()
  channel: string;

  @ApiProperty({ description: 'Whether the customer agrees to be contacted on the channel.', example: true })
  @IsBoolean()
  granted: boolean;

  @ApiPropertyOptional({ format: 'date-time', description: 'When the customer gave or withdrew it; default: now.', example: '2025-11-26T09:28:00Z' })
  @IsOptional()
  @IsPastDateTime({ maxFutureMs: ONE_DAY_MS })
  at?: string;

  @ApiProperty({ description: 'Where it was collected.', example: 'signup-form' })
  @IsString()
  @Matches(/^[^\p{Cc}]{1,200}$/u, { message: '$property must be 1 to 200 characters without control characters' })
  source: string;
}

/**
 * PUT /customers/:externalId. Every field is optional: what is left out stays as it is, null
 * clears it. `attributes` and `addresses` are merged key by key (null removes a key), so that
 * two systems can each maintain their own attributes.
 */
export class UpsertCustomerDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { firstName: 'Ana', plan: 'gold', interests: ['running'] },
    description: `Free JSON attributes, merged into the stored ones; a key set to null is removed. At most ${MAX_ATTRIBUTES_BYTES} bytes in all.`,
  })
  @IsOptional()
  @IsJsonObject({ maxBytes: MAX_ATTRIBUTES_BYTES })
  attributes?: Record<string, unknown>;

  @ApiPropertyOptional({ type: ChannelAddressesDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChannelAddressesDto)
  addresses?: ChannelAddressesDto;

  @ApiPropertyOptional({
    type: [ConsentStatementDto],
    description: 'Consent statements; each one that changes a channel’s consent is kept in the consent history.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CONSENT_STATEMENTS)
  @ValidateNested({ each: true })
  @Type(() => ConsentStatementDto)
  consents?: ConsentStatementDto[];

  @ApiPropertyOptional({ nullable: true, type: String, example: 'Europe/Madrid', description: 'IANA time zone; null clears it.' })
  @IsOptional()
  @IsTimeZone({ message: '$property must be an IANA time zone such as Europe/Madrid, got "$value"' })
  timezone?: string | null;

  @ApiPropertyOptional({ nullable: true, enum: SEGMENTS, description: 'Lifecycle segment; null clears it.', example: 'lead' })
  @IsOptional()
  @IsIn(SEGMENTS, { message: `$property must be one of ${SEGMENTS.join(', ')}, got "$value"` })
  segment?: Segment | null;
}

export class ListCustomersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SEGMENTS, example: 'lead' })
  @IsOptional()
  @IsIn(SEGMENTS, { message: `$property must be one of ${SEGMENTS.join(', ')}, got "$value"` })
  segment?: Segment;

  @ApiPropertyOptional({
    type: [String],
    example: ['plan:gold'],
    description: 'Attribute equality, `name:value`; repeat for more (all must match). Values compare as text: `age:42`, `vip:true`.',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? [value] : value))
  @IsArray()
  @ArrayMaxSize(10)
  @Matches(/^[A-Za-z0-9_.-]{1,100}:.{0,1000}$/s, { each: true, message: '$property must be name:value, e.g. plan:gold' })
  attribute?: string[];

  @ApiPropertyOptional({ format: 'date-time', description: 'Only customers whose profile changed at or after this time.', example: '2025-11-01T00:00:00Z' })
  @IsOptional()
  @IsPastDateTime({ maxFutureMs: ONE_DAY_MS })
  updatedSince?: string;
}

export class IdentifyCustomerDto {
  @ApiProperty({ description: 'The anonymous id the customer was known by until now (cookie, device id…).', example: EXAMPLE.anonymousId })
  @IsExternalId()
  anonymousId: string;
}

// Responses
