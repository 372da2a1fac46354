import { IsZeebeKey } from './zeebe-key.validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

/** A Zeebe key: an int64 as a decimal string. */

export class IncidentKeyParamDto {
  @ApiProperty({ example: '2251799813685260', description: 'Zeebe key of the incident.' })
  @IsZeebeKey()
  key: string;
}

export class ListIncidentsQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only incidents of this journey (of any of its versions).' })
  @IsOptional()
  @IsUUID()
  journeyId?: string;

  @ApiPropertyOptional({ example: '2251799813685251', description: 'Only incidents of this process instance.' })
  @IsOptional()
  @IsZeebeKey()
  processInstanceKey?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;
}

export class RetryIncidentDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 1, description: 'Retries to give the job (job incidents only).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  retries?: number;
}

// Responses

export class IncidentJourneyDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Welcome' })
  name: string;

  @ApiProperty({ type: Number, nullable: true, description: 'The journey version whose deployment made the process definition; null if unknown.' })
  version: number | null;
}

export class IncidentEnrolmentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'crm-000123', description: "The customer's external id." })
  customerId: string;
}

export class IncidentDto {
  @ApiProperty({ example: '2251799813685260' })
  key: string;

  @ApiProperty({ example: 'JOB_NO_RETRIES', description: "Zeebe's error type: JOB_NO_RETRIES, CONDITION_ERROR, IO_MAPPING_ERROR, EXTRACT_VALUE_ERROR, …" })
  errorType: string;

  @ApiProperty({ example: 'smtp server unreachable' })
  errorMessage: string;

  @ApiProperty({ example: 'welcome' })
  bpmnProcessId: string;

  @ApiProperty()
  processDefinitionKey: string;

  @ApiProperty()
  processInstanceKey: string;

  @ApiProperty({ example: 'send_welcome_email' })
  elementId: string;

  @ApiProperty()
  elementInstanceKey: string;

  @ApiProperty({ type: String, nullable: true, description: 'The job whose failure raised it; null when the incident is not about a job.' })
  jobKey: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: IncidentJourneyDto, nullable: true, description: 'The journey of the process (by bpmnProcessId); null for processes deployed outside Travesía.' })
  journey: IncidentJourneyDto | null;

  @ApiProperty({ type: IncidentEnrolmentDto, nullable: true, description: 'The enrolment that started the instance, if Travesía started it.' })
  enrolment: IncidentEnrolmentDto | null;
}

export class IncidentActionDto {
  @ApiProperty()
  incidentKey: string;

  @ApiProperty()
  processInstanceKey: string;

  @ApiProperty({ enum: ['retried', 'resolved', 'cancelled'], description: 'retried: the job got retries and the incident was resolved; resolved: resolved (not a job incident); cancelled: the instance was cancelled.' })
  action: 'retried' | 'resolved' | 'cancelled';

  @ApiProperty({ type: String, nullable: true })
  jobKey: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'The retries the job got.' })
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
