import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min, ValidateBy, ValidateNested, type ValidationArguments } from 'class-validator';
import { SEGMENTS, type Segment } from './customer.dto';
import { IsJsonObject, IsPastDateTime } from './customer-data.validators';
import { MAX_ENROLMENT_VARIABLES_BYTES } from './enrolment.dto';
import { EXAMPLE } from './example-values';
import { KeyRefDto } from './journey.dto';

/**
 * Bulk enrolment: a job that enrols every customer of a segment or a query into a journey,
 * with its progress (see EnrolmentJobService).
 */

export const ENROLMENT_JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type EnrolmentJobStatus = (typeof ENROLMENT_JOB_STATUSES)[number];

const ONE_DAY_MS = 86_400_000;
const MAX_ATTRIBUTE_CONDITIONS = 20;

export class EnrolmentJobIdParamDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.enrolmentJobId })
  @IsUUID()
  id: string;
}

export class BulkEnrolQueryDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { plan: 'gold', vip: true },
    description: `Attribute equality (JSON values compare exactly: "true" is not true); all must match. At most ${MAX_ATTRIBUTE_CONDITIONS}.`,
  })
  @IsOptional()
  @IsJsonObject({ maxBytes: 16_384 })
  @HasAtMostKeys(MAX_ATTRIBUTE_CONDITIONS)
  attributes?: Record<string, unknown>;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only customers whose profile changed at or after this time.', example: '2025-11-01T00:00:00Z' })
  @IsOptional()
  @IsPastDateTime({ maxFutureMs: ONE_DAY_MS })
  updatedSince?: string;
}

/** Which customers a bulk enrolment takes: `segment` and `query` combine with and; `query: {}` alone means every customer. */
export class BulkEnrolDto {
  @ApiPropertyOptional({ enum: SEGMENTS, description: 'Customers of this lifecycle segment. Give segment, query, or both.', example: 'lead' })
  @SegmentOrQuery()
  segment?: Segment;

  @ApiPropertyOptional({ type: BulkEnrolQueryDto, description: 'More conditions; `{}` with no segment enrols every customer.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => BulkEnrolQueryDto)
  query?: BulkEnrolQueryDto;

  @ApiPropertyOptional({ description: 'Journey version to run; default: the live version when the job is created.', example: 2 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Extra process variables for every instance, as in a single enrolment.',
    example: { campaign: 'spring' },
  })
  @IsOptional()
  @IsJsonObject({ maxBytes: MAX_ENROLMENT_VARIABLES_BYTES })
  variables?: Record<string, unknown>;
}

export class BulkFilterDto {
  @ApiProperty({ enum: SEGMENTS, nullable: true, example: 'lead' })
  segment: Segment | null;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Attribute equality; `{}`: no condition.', example: { plan: 'gold' } })
  attributes: Record<string, unknown>;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2025-11-01T00:00:00.000Z' })
  updatedSince: string | null;
}

export class EnrolmentJobFailureDto {
  @ApiProperty({ example: 'crm-000456' })
  customerId: string;

  @ApiProperty({ example: 'Could not start journey 5b1d7a3e-2c4f-4e8a-9b6d-0f1e2d3c4b5a version 2 (welcome v2 in the engine): 14 UNAVAILABLE: No connection established' })
  message: string;
}

export class EnrolmentJobDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.enrolmentJobId })
  id: string;

  @ApiProperty({ format: 'uuid', example: EXAMPLE.journeyId })
  journeyId: string;

  @ApiProperty({ description: 'The journey version it enrols into.', example: 2 })
  version: number;

  @ApiProperty({ type: BulkFilterDto })
  filter: BulkFilterDto;

  @ApiProperty({ enum: ENROLMENT_JOB_STATUSES, description: 'queued → running → done (or failed, with error).', example: 'running' })
  status: EnrolmentJobStatus;

  @ApiProperty({ type: Number, nullable: true, description: 'Customers that matched when the job started; null before.', example: 1250 })
  total: number | null;

  @ApiProperty({ description: 'enrolled + skipped + failed.', example: 600 })
  processed: number;

  @ApiProperty({ description: 'Customers enrolled by this job.', example: 575 })
  enrolled: number;

  @ApiProperty({ description: 'Customers left out: enrolled already, or not allowed again by the re-entry rule.', example: 24 })
  skipped: number;

  @ApiProperty({ description: 'Customers whose enrolment failed.', example: 1 })
  failed: number;

  @ApiProperty({ type: [EnrolmentJobFailureDto], description: 'The first failures (at most 20).' })
  failures: EnrolmentJobFailureDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Why the job failed as a whole.', example: null })
  error: string | null;

  @ApiProperty({ type: KeyRefDto })
  createdBy: KeyRefDto;

  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2025-11-26T09:30:00.450Z' })
  startedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Null until the job is done or failed.', example: null })
  finishedAt: string | null;
}

// Rows as the repositories return them, and the mappers.

/** The customers a bulk enrolment takes, as stored with the job. */
export interface BulkFilter {
  readonly segment: Segment | null;
  readonly attributes: Record<string, unknown>;
  readonly updatedSince: string | null;
}

export interface EnrolmentJobFailure {
  readonly customerId: string;
  readonly message: string;
}

export interface EnrolmentJobRow {
  readonly id: string;
  readonly journeyId: string;
  readonly versionNumber: number;
  readonly filter: BulkFilter;
  readonly variables: Record<string, unknown>;
  readonly status: EnrolmentJobStatus;
  /** Customers with a higher id were created after the job started: not its business. */
  readonly maxCustomerId: string | null;
  readonly total: number | null;
  /** Id of the last customer handled. */
  readonly cursor: string;
  readonly enrolled: number;
  readonly skipped: number;
  readonly failed: number;
  readonly failures: EnrolmentJobFailure[];
  readonly error: string | null;
  readonly createdByKeyId: string;
  readonly createdByName: string;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

export function mapEnrolmentJob(row: EnrolmentJobRow): EnrolmentJobDto {
  return {
    id: row.id,
    journeyId: row.journeyId,
    version: row.versionNumber,
    filter: { segment: row.filter.segment, attributes: row.filter.attributes, updatedSince: row.filter.updatedSince },
    status: row.status,
    total: row.total,
    processed: row.enrolled + row.skipped + row.failed,
    enrolled: row.enrolled,
    skipped: row.skipped,
    failed: row.failed,
    failures: row.failures,
    error: row.error,
    createdBy: { keyId: row.createdByKeyId, name: row.createdByName },
    createdAt: row.createdAt.toISOString(),
    startedAt: isoOrNull(row.startedAt),
    finishedAt: isoOrNull(row.finishedAt),
  };
}

/** The stored filter of a validated bulk request. */
export function toBulkFilter(dto: BulkEnrolDto): BulkFilter {
  return {
    segment: dto.segment ?? null,
    attributes: dto.query?.attributes ?? {},
    updatedSince: dto.query?.updatedSince ? new Date(dto.query.updatedSince).toISOString() : null,
  };
}

/** A JSON object of at most `max` keys. */
function HasAtMostKeys(max: number): PropertyDecorator {
  return ValidateBy({
    name: 'hasAtMostKeys',
    validator: {
      validate: (value) => value === null || typeof value !== 'object' || Object.keys(value).length <= max,
      defaultMessage: () => `$property must have at most ${max} conditions`,
    },
  });
}

/** A segment, required unless the request gives a query. */
function SegmentOrQuery(): PropertyDecorator {
  return ValidateBy({
    name: 'segmentOrQuery',
    validator: {
      validate: (value, args) =>
        value === undefined ? (args?.object as { query?: unknown }).query !== undefined : (SEGMENTS as readonly unknown[]).includes(value),
      defaultMessage: ({ value }: ValidationArguments) =>
        value === undefined
          ? '$property or query must be given (query: {} enrols every customer)'
          : `$property must be one of ${SEGMENTS.join(', ')}, got "${String(value)}"`,
    },
  });
}

function isoOrNull(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
