import { Injectable, NotFoundException } from '@nestjs/common';
import { AppConfig } from '../config';
import {
  type CorrelatedMessageDto,
  type InstanceTimelineDto,
  mapCorrelatedMessage,
  mapTakenFlow,
  mapTimelineIncident,
  mapTimelineJob,
  mapTimelineStep,
  mapTouchpointJob,
  mapTouchpointStep,
  mapVariableChange,
  type TouchpointDto,
} from '../dtos';
import {
  type DeploymentModel,
  type InstanceHistory,
  InstanceHistoryRepository,
  JourneyModelRepository,
  TOUCHPOINT_JOB_TYPE_PREFIX,
  touchpointChannel,
} from '../repositories';
import { KpiExitsService } from './kpi-exits.service';

/** What a history from the KPI listeners alone (a real Zeebe) cannot tell. */
export const KPI_LISTENER_HISTORY_GAPS = [
  'variables other than customerId and variant, and their changes',
  'jobs: workers, retries, failures and BPMN errors (touchpoints are known from their tasks entered and left)',
  'incidents',
  'sequence flows taken (sequenceFlows is null)',
  'correlation keys and variables of messages (a message is known from its catch element completing)',
  'elements left without completing while the instance runs on (interrupted by a boundary event): they stay active',
  'how an instance ended when it did not complete through its end listener: known only for instances started through an enrolment (cancelled through Travesía: terminated; otherwise found gone: completed); others stay active',
];

/**
 * The timeline of one process instance for process owners: elements entered and left with the
 * variables they saw, jobs and touchpoints, messages correlated and incidents. Complete with the
 * embedded engine (its records); with a real Zeebe, what the KPI listeners reported, with the
 * gaps listed in the answer.
 */
@Injectable()
export class InstanceHistoryService {
  constructor(
    private readonly config: AppConfig,
    private readonly history: InstanceHistoryRepository,
    private readonly models: JourneyModelRepository,
    private readonly exits: KpiExitsService,
  ) {}

  async timeline(processInstanceKey: string): Promise<InstanceTimelineDto> {
    // The engine's records know how the instance ended; the KPI rows may still have to learn it.
    if (this.history.source === 'kpi-listeners') await this.exits.settle({ processInstanceKeys: [processInstanceKey] });
    const history = await this.history.timeline(processInstanceKey);
    if (!history) throw new NotFoundException(`Expected the key of a process instance, found no process instance ${processInstanceKey}`);
    const model = await this.models.modelByDefinitionKey(history.processDefinitionKey);
    const label = (elementId: string) => model?.elements.get(elementId);
    const kpiJobType = model?.kpiListenerJobType ?? this.config.kpi.listenerJobType;
    const fromRecords = history.source === 'engine-records';
    return {
      processInstanceKey,
      bpmnProcessId: history.bpmnProcessId,
      processDefinitionKey: history.processDefinitionKey,
      processDefinitionVersion: history.processDefinitionVersion,
      journey: model ? { id: model.journey.id, name: model.journey.name, processId: model.journey.processId, version: model.versionNumber } : null,
      customerId: customerIdOf(history),
      state: history.state,
      startedAt: history.startedAt.toISOString(),
      endedAt: history.endedAt?.toISOString() ?? null,
      source: history.source,
      gaps: fromRecords ? [] : KPI_LISTENER_HISTORY_GAPS,
      truncated: history.truncated,
      steps: history.steps.map((step) => mapTimelineStep(step, label(step.elementId))),
      variableChanges: history.variableChanges.map(mapVariableChange),
      jobs: history.jobs.filter((job) => !(job.kind === 'EXECUTION_LISTENER' && job.type === kpiJobType)).map(mapTimelineJob),
      touchpoints: fromRecords ? touchpointsFromJobs(history, model) : touchpointsFromSteps(history, model),
      messages: fromRecords ? history.messages.map(mapCorrelatedMessage) : messagesFromSteps(history, model),
      incidents: history.incidents.map(mapTimelineIncident),
      sequenceFlows: history.flowsTaken?.map(mapTakenFlow) ?? null,
    };
  }
}

/** The instance's `customerId`: its last value in the process scope, else what a step saw. */
function customerIdOf(history: InstanceHistory): string | null {
  const changes = history.variableChanges.filter((change) => change.name === 'customerId' && change.scopeKey === history.processInstanceKey);
  const value = changes.length > 0 ? changes[changes.length - 1].value : history.steps.find((step) => 'customerId' in step.variablesOnEntry)?.variablesOnEntry.customerId;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

function touchpointsFromJobs(history: InstanceHistory, model: DeploymentModel | null): TouchpointDto[] {
  return history.jobs
    .filter((job) => job.kind === 'BPMN_ELEMENT' && job.type.startsWith(TOUCHPOINT_JOB_TYPE_PREFIX))
    .map((job) => mapTouchpointJob(job, model?.elements.get(job.elementId), touchpointChannel(job.type)));
}

/** Touchpoint tasks of the deployed diagram, from their steps. */
function touchpointsFromSteps(history: InstanceHistory, model: DeploymentModel | null): TouchpointDto[] {
  const touchpoints: TouchpointDto[] = [];
  for (const step of history.steps) {
    const element = model?.elements.get(step.elementId);
    if (!element?.touchpoint || !element.jobType) continue;
    touchpoints.push(mapTouchpointStep(step, element, element.jobType, touchpointChannel(element.jobType)));
  }
  return touchpoints;
}

/** Messages from their catch elements completing: all the KPI listeners can tell. */
function messagesFromSteps(history: InstanceHistory, model: DeploymentModel | null): CorrelatedMessageDto[] {
  const messages: CorrelatedMessageDto[] = [];
  for (const step of history.steps) {
    const messageName = model?.elements.get(step.elementId)?.messageName;
    if (!messageName || step.state !== 'completed' || !step.leftAt) continue;
    messages.push({ at: step.leftAt.toISOString(), messageName, correlationKey: null, elementId: step.elementId, elementInstanceKey: step.elementInstanceKey, variables: null });
  }
  return messages;
}
