import { ApiProperty } from '@nestjs/swagger';
import type { HistoryJob, HistoryStep, JobError, JobState, StepState } from '../repositories/instance-history.repository';
import { EXAMPLE } from './example-values';

/** The jobs of an instance's history and its touchpoints (jobs of type touchpoint.*), as the API shows them. */

const JOB_STATES = ['pending', 'completed', 'failed', 'error_thrown', 'canceled'] as const;

/** The element's name and type as the deployed diagram has them, when known. */
export interface ElementLabel {
  readonly name: string | null;
}

export class JobErrorDto {
  @ApiProperty({ format: 'date-time', example: '2025-11-26T09:30:00.600Z' })
  at: string;

  @ApiProperty({ type: String, nullable: true, description: 'BPMN error code of a thrown error; null for a failure.', example: null })
  code: string | null;

  @ApiProperty({ example: 'smtp server unreachable' })
  message: string;

  @ApiProperty({ example: 2 })
  retriesLeft: number;
}

export class TimelineJobDto {
  @ApiProperty({ example: EXAMPLE.jobKey })
  jobKey: string;

  @ApiProperty({ example: 'touchpoint.email' })
  type: string;

  @ApiProperty({ description: '`BPMN_ELEMENT` (a task) or `EXECUTION_LISTENER`.', example: 'BPMN_ELEMENT' })
  kind: string;

  @ApiProperty({ example: 'send_welcome' })
  elementId: string;

  @ApiProperty({ example: EXAMPLE.elementInstanceKey })
  elementInstanceKey: string;

  @ApiProperty({ type: String, nullable: true, description: 'The last worker that held it, when known.', example: 'travesia-workers-1' })
  worker: string | null;

  @ApiProperty({ example: 2 })
  retries: number;

  @ApiProperty({ enum: JOB_STATES, description: 'pending: waiting for or held by a worker (retries included); failed: out of retries.', example: 'completed' })
  state: (typeof JOB_STATES)[number];

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { template: 'welcome', subject: 'Welcome, {{firstName}}!' } })
  customHeaders: Record<string, string>;

  @ApiProperty({ format: 'date-time', example: '2025-11-26T09:30:00.160Z' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2025-11-26T09:30:01.000Z' })
  endedAt: string | null;

  @ApiProperty({ type: [JobErrorDto] })
  errors: JobErrorDto[];
}

export class TouchpointDto {
  @ApiProperty({ example: 'send_welcome' })
  elementId: string;

  @ApiProperty({ type: String, nullable: true, example: 'Send welcome email' })
  elementName: string | null;

  @ApiProperty({ example: EXAMPLE.elementInstanceKey })
  elementInstanceKey: string;

  @ApiProperty({ example: 'touchpoint.email' })
  jobType: string;

  @ApiProperty({ example: 'email' })
  channel: string;

  @ApiProperty({ type: String, nullable: true, description: 'Null when only the KPI listeners are known (real Zeebe).', example: EXAMPLE.jobKey })
  jobKey: string | null;

  @ApiProperty({ enum: JOB_STATES, example: 'completed' })
  state: (typeof JOB_STATES)[number];

  @ApiProperty({ format: 'date-time', example: '2025-11-26T09:30:00.160Z' })
  startedAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2025-11-26T09:30:01.000Z' })
  endedAt: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Null when only the KPI listeners are known (real Zeebe).', example: 'travesia-workers-1' })
  worker: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Retries left; null when only the KPI listeners are known.', example: 2 })
  retries: number | null;

  @ApiProperty({ type: [JobErrorDto] })
  errors: JobErrorDto[];

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'The task headers: template, subject…',
    example: { template: 'welcome', subject: 'Welcome, {{firstName}}!' },
  })
  headers: Record<string, string>;
}

export function mapJobError(error: JobError): JobErrorDto {
  return { at: error.at.toISOString(), code: error.code, message: error.message, retriesLeft: error.retriesLeft };
}

export function mapTimelineJob(job: HistoryJob): TimelineJobDto {
  return {
    jobKey: job.jobKey,
    type: job.type,
    kind: job.kind,
    elementId: job.elementId,
    elementInstanceKey: job.elementInstanceKey,
    worker: job.worker,
    retries: job.retries,
    state: job.state,
    customHeaders: job.customHeaders,
    createdAt: job.createdAt.toISOString(),
    endedAt: job.endedAt?.toISOString() ?? null,
    errors: job.errors.map(mapJobError),
  };
}

/** A touchpoint from its job (the engine's records know it). */
export function mapTouchpointJob(job: HistoryJob, label: ElementLabel | undefined, channel: string): TouchpointDto {
  return {
    elementId: job.elementId,
    elementName: label?.name ?? null,
    elementInstanceKey: job.elementInstanceKey,
    jobType: job.type,
    channel,
    jobKey: job.jobKey,
    state: job.state,
    startedAt: job.createdAt.toISOString(),
    endedAt: job.endedAt?.toISOString() ?? null,
    worker: job.worker,
    retries: job.retries,
    errors: job.errors.map(mapJobError),
    headers: job.customHeaders,
  };
}

const JOB_STATE_OF_STEP: Record<StepState, JobState> = { active: 'pending', completed: 'completed', terminated: 'canceled' };

/** A touchpoint from its task's step, when only the KPI listeners are known: no job, worker or errors. */
export function mapTouchpointStep(step: HistoryStep, label: ElementLabel | undefined, jobType: string, channel: string): TouchpointDto {
  return {
    elementId: step.elementId,
    elementName: label?.name ?? null,
    elementInstanceKey: step.elementInstanceKey,
    jobType,
    channel,
    jobKey: null,
    state: JOB_STATE_OF_STEP[step.state],
    startedAt: step.enteredAt.toISOString(),
    endedAt: step.leftAt?.toISOString() ?? null,
    worker: null,
    retries: null,
    errors: [],
    headers: {},
  };
}
