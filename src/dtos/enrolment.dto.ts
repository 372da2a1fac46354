import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { CustomerAggregatesDto, type CustomerRow, mapCustomer, type Segment, type StoredAddresses } from './customer.dto';
import { IsExternalId, IsJsonObject } from './customer-data.validators';
import type { ErrorResponseDoc } from './error-responses.decorator';
import { EXAMPLE } from './example-values';
import { KeyRefDto } from './journey.dto';
import { PageQueryDto } from './page.dto';

export const ENROLMENT_STATUSES = ['pending', 'active', 'completed', 'terminated', 'failed'] as const;
/**
 * pending: stored, the engine has not confirmed the instance yet; active: the instance runs;
 * completed / terminated: it ended (terminated: cancelled); failed: the engine refused to start it.
 */
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];

export const ENROLMENT_SOURCES = ['api', 'bulk'] as const;
export type EnrolmentSource = (typeof ENROLMENT_SOURCES)[number];

/** Largest `variables` object an enrolment may pass to the instance, in bytes of JSON. */
export const MAX_ENROLMENT_VARIABLES_BYTES = 65_536;
/** Variables Travesía sets on every instance it starts; a request may not set them. */
export const RESERVED_ENROLMENT_VARIABLES = ['customer', 'customerId', 'enrolmentId'] as const;
/** What an Idempotency-Key header may be: 1 to 255 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export const NO_SUCH_ENROLMENT: ErrorResponseDoc = {
  description: 'No such enrolment.',
  message: `Expected the id of an enrolment, found no enrolment ${EXAMPLE.enrolmentId}`,
};

export class JourneyEnrolmentsParamDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.journeyId })
  @IsUUID()
  journeyId: string;
}

export class EnrolmentIdParamDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.enrolmentId })
  @IsUUID()
  id: string;
}

export class EnrolCustomerDto {
  @ApiProperty({ description: "The customer's external id (as in PUT /api/customers/:externalId).", example: EXAMPLE.customerId })
  @IsExternalId()
  customerId: string;

  @ApiPropertyOptional({ description: 'Journey version to run; default: the live version. It must have been deployed.', example: 2 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { campaign: 'spring' },
    description: `Extra process variables (at most ${MAX_ENROLMENT_VARIABLES_BYTES} bytes of JSON). ${RESERVED_ENROLMENT_VARIABLES.join(', ')} are set by Travesía.`,
  })
  @IsOptional()
  @IsJsonObject({ maxBytes: MAX_ENROLMENT_VARIABLES_BYTES })
  variables?: Record<string, unknown>;
}

export class ListEnrolmentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ENROLMENT_STATUSES, example: 'active' })
  @IsOptional()
  @IsIn(ENROLMENT_STATUSES, { message: `$property must be one of ${ENROLMENT_STATUSES.join(', ')}, got "$value"` })
  status?: EnrolmentStatus;

  @ApiPropertyOptional({ description: "A customer's external id.", example: EXAMPLE.customerId })
  @IsOptional()
  @IsExternalId()
  customerId?: string;
}

// Responses

export class EnrolmentDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.enrolmentId })
  id: string;

  @ApiProperty({ format: 'uuid', example: EXAMPLE.journeyId })
  journeyId: string;

  @ApiProperty({ example: 'welcome', description: "The journey's bpmnProcessId." })
  processId: string;

  @ApiProperty({ example: 2, description: 'The journey version the instance runs.' })
  version: number;

  @ApiProperty({ example: EXAMPLE.processDefinitionKey, description: 'Zeebe key of the process definition (int64 as a decimal string).' })
  processDefinitionKey: string;

  @ApiProperty({ example: EXAMPLE.customerId, description: "The customer's external id." })
  customerId: string;

  @ApiProperty({ type: String, nullable: true, example: EXAMPLE.processInstanceKey, description: 'Zeebe key of the instance; null while pending and when failed.' })
  processInstanceKey: string | null;

  @ApiProperty({ enum: ENROLMENT_STATUSES, example: 'active' })
  status: EnrolmentStatus;

  @ApiProperty({ enum: ENROLMENT_SOURCES, description: 'api: POST …/enrolments; bulk: a bulk enrolment job (jobId).', example: 'api' })
  source: EnrolmentSource;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The bulk enrolment job that enrolled the customer (source bulk).', example: null })
  jobId: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The Idempotency-Key it was created with.', example: 'signup-crm-000123' })
  idempotencyKey: string | null;

  @ApiProperty({ type: KeyRefDto, description: 'The API key that enrolled the customer.' })
  enrolledBy: KeyRefDto;

  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the engine confirmed the instance.', example: EXAMPLE.startedAt })
  startedAt: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the instance ended (completed or terminated), as far as known.',
    example: null,
  })
  endedAt: string | null;

  @ApiProperty({ type: KeyRefDto, nullable: true, description: 'Who cancelled it, when it was cancelled through Travesía.' })
  cancelledBy: KeyRefDto | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why it failed.', example: null })
  error: string | null;
}

export class EnrolResultDto extends EnrolmentDto {
  @ApiProperty({
    description: 'True when the customer was enrolled already (an open enrolment, or the same Idempotency-Key) and nothing new was started.',
    example: false,
  })
  existing: boolean;
}

export class EnrolmentPageDto {
  @ApiProperty({ type: [EnrolmentDto], description: 'Newest first.' })
  items: EnrolmentDto[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null on the last page.',
    example: 'MTc2NDE0OTQwMDAwMDAwMC45ZDNmMmExYi02YzVlLTRmNzAtOGE5Yi0xYzJkM2U0ZjVhNmI',
  })
  nextCursor: string | null;
}

export interface EnrolmentRow {
  readonly id: string;
  readonly journeyId: string;
  readonly processId: string;
  readonly versionNumber: number;
  readonly processDefinitionKey: string;
  /** Travesía's id of the customer (customer.id). */
  readonly customerId: string;
  readonly customerExternalId: string;
  readonly status: EnrolmentStatus;
  readonly exclusive: boolean;
  readonly processInstanceKey: string | null;
  readonly idempotencyKey: string | null;
  readonly source: EnrolmentSource;
  readonly jobId: string | null;
  readonly enrolledByKeyId: string;
  readonly enrolledByName: string;
  readonly createdAt: Date;
  /** created_at in epoch microseconds, for page cursors. */
  readonly createdAtMicros: string;
  readonly startedAt: Date | null;
  readonly endedAt: Date | null;
  readonly cancelledByKeyId: string | null;
  readonly cancelledByName: string | null;
  readonly error: string | null;
}

/**
 * The customer as every journey instance gets it, in the variable `customer` (and its external id
 * in `customerId`, the correlation key of the customer's messages): `consents` holds the consent
 * in force per channel as true or false; a channel without any statement is absent, which means
 * no consent. Touchpoints check consent again when they send: this is the state at enrolment.
 */
export interface JourneyCustomerProfile {
  readonly id: string;
  readonly attributes: Record<string, unknown>;
  /** Addresses per channel: email, phone, pushTokens, other. */
  readonly channels: StoredAddresses;
  readonly consents: Record<string, boolean>;
  readonly timezone: string | null;
  readonly segment: Segment | null;
  readonly aggregates: CustomerAggregatesDto;
}

export function mapJourneyCustomerProfile(customer: CustomerRow): JourneyCustomerProfile {
  return {
    id: customer.externalId,
    attributes: customer.attributes,
    channels: customer.addresses,
    consents: Object.fromEntries(Object.entries(customer.consents).map(([channel, consent]) => [channel, consent.granted])),
    timezone: customer.timezone,
    segment: customer.segment,
    aggregates: mapCustomer(customer).aggregates,
  };
}

export function mapEnrolment(row: EnrolmentRow): EnrolmentDto {
  return {
    id: row.id,
    journeyId: row.journeyId,
    processId: row.processId,
    version: row.versionNumber,
    processDefinitionKey: row.processDefinitionKey,
    customerId: row.customerExternalId,
    processInstanceKey: row.processInstanceKey,
    status: row.status,
    source: row.source,
    jobId: row.jobId,
    idempotencyKey: row.idempotencyKey,
    enrolledBy: { keyId: row.enrolledByKeyId, name: row.enrolledByName },
    createdAt: row.createdAt.toISOString(),
    startedAt: isoOrNull(row.startedAt),
    endedAt: isoOrNull(row.endedAt),
    cancelledBy: row.cancelledByKeyId === null ? null : { keyId: row.cancelledByKeyId, name: row.cancelledByName ?? '' },
    error: row.error,
  };
}

export function mapEnrolResult(row: EnrolmentRow, existing: boolean): EnrolResultDto {
  return { ...mapEnrolment(row), existing };
}

export function mapEnrolmentPage(rows: EnrolmentRow[], nextCursor: string | null): EnrolmentPageDto {
  return { items: rows.map(mapEnrolment), nextCursor };
}

function isoOrNull(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

