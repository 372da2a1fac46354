import type { ElementExit, OpenElementInstance } from './kpi-event.repository';

/** Where a history comes from: the embedded engine's record log, or only what the KPI listeners reported. */
export type HistorySource = 'engine-records' | 'kpi-listeners';

export type StepState = 'active' | 'completed' | 'terminated';

/** One element instance of the instance: entered, and left or not yet. */
export interface HistoryStep {
  readonly elementInstanceKey: string;
  readonly elementId: string;
  /** Zeebe's BpmnElementType, e.g. `SERVICE_TASK`. */
  readonly elementType: string;
  /** The element instance it runs in (the process, a subprocess); null when not known. */
  readonly flowScopeKey: string | null;
  readonly enteredAt: Date;
  readonly leftAt: Date | null;
  readonly state: StepState;
  /** Variables visible to the element once activated (its scope and every scope above it). */
  readonly variablesOnEntry: Record<string, unknown>;
  /** Variables visible to the element when it was left; null while it is active. */
  readonly variablesOnExit: Record<string, unknown> | null;
}

export interface VariableChange {
  readonly at: Date;
  readonly name: string;
  readonly value: unknown;
  /** The element instance holding the variable (the process instance key for process variables). */
  readonly scopeKey: string;
  readonly scopeElementId: string | null;
}

export interface JobError {
  readonly at: Date;
  /** The BPMN error code of a thrown error; null for a failure. */
  readonly code: string | null;
  readonly message: string;
  readonly retriesLeft: number;
}

/** pending: waiting for (or held by) a worker, retries included; failed: out of retries (an incident). */
export type JobState = 'pending' | 'completed' | 'failed' | 'error_thrown' | 'canceled';

export interface HistoryJob {
  readonly jobKey: string;
  readonly processInstanceKey: string;
  readonly type: string;
  /** `BPMN_ELEMENT` (a task's job) or `EXECUTION_LISTENER`. */
  readonly kind: string;
  readonly elementId: string;
  readonly elementInstanceKey: string;
  /** The last worker that activated it, when the records tell. */
  readonly worker: string | null;
  readonly retries: number;
  readonly state: JobState;
  readonly customHeaders: Record<string, string>;
  readonly createdAt: Date;
  readonly endedAt: Date | null;
  readonly errors: JobError[];
}

export interface CorrelatedMessage {
  readonly at: Date;
  readonly messageName: string;
  readonly correlationKey: string | null;
  readonly elementId: string;
  readonly elementInstanceKey: string | null;
  readonly variables: Record<string, unknown> | null;
}

export interface HistoryIncident {
  readonly incidentKey: string;
  readonly errorType: string;
  readonly errorMessage: string;
  readonly elementId: string;
  readonly elementInstanceKey: string;
  readonly jobKey: string | null;
  readonly createdAt: Date;
  readonly resolvedAt: Date | null;
}

/** A sequence flow the instance took (Zeebe's SEQUENCE_FLOW_TAKEN record). */
export interface TakenFlow {
  readonly at: Date;
  /** The sequence flow's id in the diagram. */
  readonly flowId: string;
  /** The element instance it was taken in (the process, a subprocess). */
  readonly flowScopeKey: string | null;
}

/** What is known of one process instance, in order. */
export interface InstanceHistory {
  readonly source: HistorySource;
  readonly processInstanceKey: string;
  readonly bpmnProcessId: string;
  readonly processDefinitionKey: string;
  readonly processDefinitionVersion: number;
  readonly state: StepState;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
  /** By time entered. */
  readonly steps: HistoryStep[];
  readonly variableChanges: VariableChange[];
  /** By time created. */
  readonly jobs: HistoryJob[];
  readonly messages: CorrelatedMessage[];
  readonly incidents: HistoryIncident[];
  /** Every sequence flow taken, in order; null when the source cannot tell (then only inferred from the steps). */
  readonly flowsTaken: TakenFlow[] | null;
  /** The instance has more records than one history reads; the newest are missing. */
  readonly truncated: boolean;
}

/**
 * The history of process instances. Two implementations, picked by configuration:
 * - with the embedded engine, its record log (`engine.record`), which has everything: every
 *   element instance, variable change, job, correlated message and incident;
 * - with a real Zeebe, whose records go to its exporters and not to this service, only what the
 *   KPI listeners reported (elements entered and left, `customerId` and `variant`).
 */
export abstract class InstanceHistoryRepository {
  abstract readonly source: HistorySource;

  /** The instance's history, or null when nothing is known about it. */
  abstract timeline(processInstanceKey: string): Promise<InstanceHistory | null>;

  /**
   * Which of the given element instances (process instances included: their element instance
   * key is the process instance key) the engine recorded as left, completed or terminated.
   * Empty when the source cannot tell.
   */
  abstract exits(candidates: readonly OpenElementInstance[]): Promise<ElementExit[]>;

  /** The jobs of these instances whose type starts with `typePrefix`; empty when the source has no jobs. */
  abstract jobsOfType(processInstanceKeys: readonly string[], typePrefix: string): Promise<HistoryJob[]>;

  /**
   * The process instances whose `customerId` variable is the customer's, as far as the source
   * knows beyond Travesía's own rows (the embedded engine: every instance, journeys or not);
   * empty when it knows no more.
   */
  abstract instancesOfCustomer(externalId: string): Promise<CustomerInstance[]>;

  /**
   * GDPR erasure: removes what the source holds about the customer — the variables of these
   * (ended) instances and the contents of the messages correlated by the customer's id. A no-op
   * when the source holds nothing of its own. Idempotent.
   */
  abstract forgetCustomer(externalId: string, processInstanceKeys: readonly string[]): Promise<void>;
}

export interface CustomerInstance {
  readonly processInstanceKey: string;
  readonly ended: boolean;
}
