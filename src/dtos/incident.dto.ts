import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { EXAMPLE } from './example-values';
import { IsZeebeKey } from './zeebe-key.validator';

// Zeebe keys are int64s, as decimal strings.

export class IncidentKeyParamDto {
  @ApiProperty({ example: EXAMPLE.incidentKey, description: 'Zeebe key of the incident.' })
  @IsZeebeKey()
  key: string;
}

export class ListIncidentsQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only incidents of this journey (of any of its versions).', example: EXAMPLE.journeyId })
  @IsOptional()
  @IsUUID()
  journeyId?: string;

  @ApiPropertyOptional({ example: EXAMPLE.processInstanceKey, description: 'Only incidents of this process instance.' })
  @IsOptional()
  @IsZeebeKey()
  processInstanceKey?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100, example: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;
}

export class RetryIncidentDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 1, description: 'Retries to give the job (job incidents only).', example: 3 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  retries?: number;
}

// Responses

export class IncidentJourneyDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.journeyId })
  id: string;

  @ApiProperty({ example: 'Welcome' })
  name: string;

  @ApiProperty({ type: Number, nullable: true, description: 'The journey version whose deployment made the process definition; null if unknown.', example: 2 })
  version: number | null;
}

export class IncidentEnrolmentDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.enrolmentId })
  id: string;

  @ApiProperty({ example: EXAMPLE.customerId, description: "The customer's external id." })
  customerId: string;
}

export class IncidentDto {
  @ApiProperty({ example: EXAMPLE.incidentKey })
  key: string;

  @ApiProperty({ example: 'JOB_NO_RETRIES', description: "Zeebe's error type: JOB_NO_RETRIES, CONDITION_ERROR, IO_MAPPING_ERROR, EXTRACT_VALUE_ERROR, …" })
  errorType: string;

  @ApiProperty({ example: 'smtp server unreachable' })
  errorMessage: string;

  @ApiProperty({ example: 'welcome' })
  bpmnProcessId: string;

  @ApiProperty({ example: EXAMPLE.processDefinitionKey })
  processDefinitionKey: string;

  @ApiProperty({ example: EXAMPLE.processInstanceKey })
  processInstanceKey: string;

  @ApiProperty({ example: 'send_welcome' })
  elementId: string;

  @ApiProperty({ example: EXAMPLE.elementInstanceKey })
  elementInstanceKey: string;

  @ApiProperty({ type: String, nullable: true, description: 'The job whose failure raised it; null when the incident is not about a job.', example: EXAMPLE.jobKey })
  jobKey: string | null;

  @ApiProperty({ format: 'date-time', example: '2025-11-26T09:31:05.000Z' })
  createdAt: string;

  @ApiProperty({ type: IncidentJourneyDto, nullable: true, description: 'The journey of the process (by bpmnProcessId); null for processes deployed outside Travesía.' })
  journey: IncidentJourneyDto | null;

  @ApiProperty({ type: IncidentEnrolmentDto, nullable: true, description: 'The enrolment that started the instance, if Travesía started it.' })
  enrolment: IncidentEnrolmentDto | null;
}

export class IncidentActionDto {
  @ApiProperty({ example: EXAMPLE.incidentKey })
  incidentKey: string;

  @ApiProperty({ example: EXAMPLE.processInstanceKey })
  processInstanceKey: string;

  @ApiProperty({
    enum: ['retried', 'resolved', 'cancelled'],
    description: 'retried: the job got retries and the incident was resolved; resolved: resolved (not a job incident); cancelled: the instance was cancelled.',
    example: 'retried',
  })
  action: 'retried' | 'resolved' | 'cancelled';

  @ApiProperty({ type: String, nullable: true, description: 'The job that got retries; null unless retried.', example: EXAMPLE.jobKey })
  jobKey: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'The retries the job got; null unless retried.', example: 3 })
  retries: number | null;
}

// Rows as the repositories return them, and the mappers.

/** An open incident as the engine reports it. */
export interface IncidentRow {
  readonly key: string;
  readonly errorType: string;
  readonly errorMessage: string;
  readonly bpmnProcessId: string;
  readonly processDefinitionKey: string;
  readonly processInstanceKey: string;
  readonly elementId: string;
  readonly elementInstanceKey: string;
  /** Null when the incident is not about a job. */
  readonly jobKey: string | null;
  readonly createdAt: Date;
}

export interface IncidentContext {
  readonly journey: IncidentJourneyDto | null;
  readonly enrolment: IncidentEnrolmentDto | null;
}

export function mapIncident(row: IncidentRow, context: IncidentContext): IncidentDto {
  return {
    key: row.key,
    errorType: row.errorType,
    errorMessage: row.errorMessage,
    bpmnProcessId: row.bpmnProcessId,
    processDefinitionKey: row.processDefinitionKey,
    processInstanceKey: row.processInstanceKey,
    elementId: row.elementId,
    elementInstanceKey: row.elementInstanceKey,
    jobKey: row.jobKey,
    createdAt: row.createdAt.toISOString(),
    journey: context.journey,
    enrolment: context.enrolment,
  };
}
