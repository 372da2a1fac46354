import { ApiProperty } from '@nestjs/swagger';
import type { CorrelatedMessage, HistoryIncident, HistoryStep, TakenFlow, VariableChange } from '../repositories/instance-history.repository';
import { EXAMPLE } from './example-values';
import { type ElementLabel, TimelineJobDto, TouchpointDto } from './history-job.dto';
import { IsZeebeKey } from './zeebe-key.validator';

const STEP_STATES = ['active', 'completed', 'terminated'] as const;
const HISTORY_SOURCES = ['engine-records', 'kpi-listeners'] as const;

export class ProcessInstanceKeyParamDto {
  @ApiProperty({ description: 'The process instance key, a positive int64 as a decimal string.', example: EXAMPLE.processInstanceKey })
  @IsZeebeKey()
  processInstanceKey: string;
}

export class JourneyVersionRefDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.journeyId })
  id: string;

  @ApiProperty({ example: 'Welcome' })
  name: string;

  @ApiProperty({ example: 'welcome' })
  processId: string;

  @ApiProperty({ description: 'Journey version number.', example: 2 })
  version: number;
}

export class TimelineStepDto {
  @ApiProperty({ example: EXAMPLE.elementInstanceKey })
  elementInstanceKey: string;

  @ApiProperty({ example: 'send_welcome' })
  elementId: string;

  @ApiProperty({ type: String, nullable: true, example: 'Send welcome email' })
  elementName: string | null;

  @ApiProperty({ description: "Zeebe's BpmnElementType.", example: 'SERVICE_TASK' })
  elementType: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The element instance it ran in (the process instance, a subprocess); null when the source does not tell.',
    example: EXAMPLE.processInstanceKey,
  })
  flowScopeKey: string | null;

  @ApiProperty({ format: 'date-time', example: '2025-11-26T09:30:00.150Z' })
  enteredAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2025-11-26T09:30:01.020Z' })
  leftAt: string | null;

  @ApiProperty({ enum: STEP_STATES, example: 'completed' })
  state: (typeof STEP_STATES)[number];

  @ApiProperty({ type: Number, nullable: true, description: 'leftAt − enteredAt in milliseconds.', example: 870 })
  durationMs: number | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Variables visible to the element once entered (its scope and every scope above).',
    example: { customerId: EXAMPLE.customerId, enrolmentId: EXAMPLE.enrolmentId, campaign: 'spring' },
  })
  variablesOnEntry: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Variables visible to the element when it was left; null while active.',
    example: { customerId: EXAMPLE.customerId, enrolmentId: EXAMPLE.enrolmentId, campaign: 'spring', emailSent: true },
  })
  variablesOnExit: Record<string, unknown> | null;
}

export class VariableChangeDto {
  @ApiProperty({ format: 'date-time', example: '2025-11-26T09:30:01.010Z' })
  at: string;

  @ApiProperty({ example: 'emailSent' })
  name: string;

  @ApiProperty({
    description: 'The new value (any JSON).',
    oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'object' }, { type: 'array', items: {} }],
    nullable: true,
    example: true,
  })
  value: unknown;

  @ApiProperty({ description: 'Element instance holding the variable; the process instance key for process variables.', example: EXAMPLE.processInstanceKey })
  scopeKey: string;

  @ApiProperty({ type: String, nullable: true, description: 'The element of that scope (the process id for process variables).', example: 'welcome' })
  scopeElementId: string | null;
}

export class CorrelatedMessageDto {
  @ApiProperty({ format: 'date-time', example: '2025-11-26T09:41:58.300Z' })
  at: string;

  @ApiProperty({ example: 'order.placed' })
  messageName: string;

  @ApiProperty({ type: String, nullable: true, example: EXAMPLE.customerId })
  correlationKey: string | null;

  @ApiProperty({ description: 'The element that caught it.', example: 'wait_for_order' })
  elementId: string;

  @ApiProperty({ type: String, nullable: true, example: '2251799813685270' })
  elementInstanceKey: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, example: { orderId: 'o-42', revenue: 59.9, currency: 'EUR' } })
  variables: Record<string, unknown> | null;
}

export class TakenSequenceFlowDto {
  @ApiProperty({ format: 'date-time', example: '2025-11-26T09:30:00.120Z' })
  at: string;

  @ApiProperty({ description: "The sequence flow's id in the diagram.", example: 'to_send_welcome' })
  flowId: string;

  @ApiProperty({ type: String, nullable: true, description: 'The element instance it was taken in (the process instance, a subprocess).', example: EXAMPLE.processInstanceKey })
  flowScopeKey: string | null;
}

export class TimelineIncidentDto {
  @ApiProperty({ example: EXAMPLE.incidentKey })
  incidentKey: string;

  @ApiProperty({ example: 'JOB_NO_RETRIES' })
  errorType: string;

  @ApiProperty({ example: 'smtp server unreachable' })
  errorMessage: string;

  @ApiProperty({ example: 'send_welcome' })
  elementId: string;

  @ApiProperty({ example: EXAMPLE.elementInstanceKey })
  elementInstanceKey: string;

  @ApiProperty({ type: String, nullable: true, example: EXAMPLE.jobKey })
  jobKey: string | null;

  @ApiProperty({ format: 'date-time', example: '2025-11-26T09:31:05.000Z' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Null while open.', example: '2025-11-26T09:35:40.000Z' })
  resolvedAt: string | null;
}

export class InstanceTimelineDto {
  @ApiProperty({ example: EXAMPLE.processInstanceKey })
  processInstanceKey: string;

  @ApiProperty({ example: 'welcome' })
  bpmnProcessId: string;

  @ApiProperty({ example: EXAMPLE.processDefinitionKey })
  processDefinitionKey: string;

  @ApiProperty({ description: "The process definition's version in Zeebe.", example: 2 })
  processDefinitionVersion: number;

  @ApiProperty({ type: JourneyVersionRefDto, nullable: true, description: 'Null when no journey deploy made the process definition.' })
  journey: JourneyVersionRefDto | null;

  @ApiProperty({ type: String, nullable: true, description: 'The `customerId` variable, when the instance has one.', example: EXAMPLE.customerId })
  customerId: string | null;

  @ApiProperty({ enum: STEP_STATES, example: 'completed' })
  state: (typeof STEP_STATES)[number];

  @ApiProperty({ format: 'date-time', example: EXAMPLE.startedAt })
  startedAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: EXAMPLE.endedAt })
  endedAt: string | null;

  @ApiProperty({
    enum: HISTORY_SOURCES,
    description: "engine-records: the embedded engine's record log, complete; kpi-listeners: a real Zeebe, only what the KPI listeners reported (see gaps).",
    example: 'engine-records',
  })
  source: (typeof HISTORY_SOURCES)[number];

  @ApiProperty({ type: [String], description: 'What this source cannot tell; empty for engine-records.', example: [] })
  gaps: string[];

  @ApiProperty({ description: 'The instance has more records than a timeline reads; the latest are missing.', example: false })
  truncated: boolean;

  @ApiProperty({ type: [TimelineStepDto], description: 'Element instances in the order they were entered (the process itself is the instance).' })
  steps: TimelineStepDto[];

  @ApiProperty({ type: [VariableChangeDto], description: 'Every variable set, in order.' })
  variableChanges: VariableChangeDto[];

  @ApiProperty({ type: [TimelineJobDto], description: 'Jobs in the order created, without the KPI listener jobs.' })
  jobs: TimelineJobDto[];

  @ApiProperty({ type: [TouchpointDto], description: 'Touchpoint jobs (type touchpoint.*), in order.' })
  touchpoints: TouchpointDto[];

  @ApiProperty({ type: [CorrelatedMessageDto] })
  messages: CorrelatedMessageDto[];

  @ApiProperty({ type: [TimelineIncidentDto] })
  incidents: TimelineIncidentDto[];

  @ApiProperty({
    type: [TakenSequenceFlowDto],
    nullable: true,
    description: 'Every sequence flow taken, in order (a flow taken twice, in a loop, shows twice); null for kpi-listeners, which cannot tell.',
  })
  sequenceFlows: TakenSequenceFlowDto[] | null;
}

export function mapTimelineStep(step: HistoryStep, label: ElementLabel | undefined): TimelineStepDto {
  return {
    elementInstanceKey: step.elementInstanceKey,
    elementId: step.elementId,
    elementName: label?.name ?? null,
    elementType: step.elementType,
    flowScopeKey: step.flowScopeKey,
    enteredAt: step.enteredAt.toISOString(),
    leftAt: step.leftAt?.toISOString() ?? null,
    state: step.state,
    durationMs: step.leftAt ? step.leftAt.getTime() - step.enteredAt.getTime() : null,
    variablesOnEntry: step.variablesOnEntry,
    variablesOnExit: step.variablesOnExit,
  };
}

export function mapVariableChange(change: VariableChange): VariableChangeDto {
  return { at: change.at.toISOString(), name: change.name, value: change.value, scopeKey: change.scopeKey, scopeElementId: change.scopeElementId };
}

export function mapCorrelatedMessage(message: CorrelatedMessage): CorrelatedMessageDto {
  return {
    at: message.at.toISOString(),
    messageName: message.messageName,
    correlationKey: message.correlationKey,
    elementId: message.elementId,
    elementInstanceKey: message.elementInstanceKey,
    variables: message.variables,
  };
}

export function mapTakenFlow(flow: TakenFlow): TakenSequenceFlowDto {
  return { at: flow.at.toISOString(), flowId: flow.flowId, flowScopeKey: flow.flowScopeKey };
}

export function mapTimelineIncident(incident: HistoryIncident): TimelineIncidentDto {
  return {
    incidentKey: incident.incidentKey,
    errorType: incident.errorType,
    errorMessage: incident.errorMessage,
    elementId: incident.elementId,
    elementInstanceKey: incident.elementInstanceKey,
    jobKey: incident.jobKey,
    createdAt: incident.createdAt.toISOString(),
    resolvedAt: incident.resolvedAt?.toISOString() ?? null,
  };
}
