import type { BpmnElementType, ProcessModel } from '../model/model';

/** A deployed process version. `model` is derived from `resource` and never persisted. */
export interface ProcessDefinition {
  key: number;
  bpmnProcessId: string;
  version: number;
  resourceName: string;
  /** The whole BPMN resource, as deployed. */
  resource: string;
  checksum: string;
  deploymentKey: number;
  deployedAt: number;
  model: ProcessModel;
}

export type ElementState =
  | 'ACTIVATING'
  | 'ACTIVATED'
  | 'COMPLETING'
  | 'COMPLETED'
  | 'TERMINATING'
  | 'TERMINATED';

/**
 * The lifecycle step an element instance stopped in because of an incident; resolving the
 * incident re-runs exactly that step (never the steps before it, e.g. listeners that ran).
 */
export type PendingStep = 'inputs' | 'start-listener' | 'activate' | 'outputs' | 'end-listener' | 'complete';

export interface ElementInstance {
  key: number;
  processInstanceKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  version: number;
  elementId: string;
  type: BpmnElementType;
  /** The element instance of the enclosing scope; -1 for a process instance. */
  flowScopeKey: number;
  state: ElementState;
  /** Child element instances that are neither completed nor terminated. */
  activeChildren: number;
  /** The job the element waits for (its task job or an execution listener job). */
  jobKey?: number;
  /** Index of the next execution listener to run for the current lifecycle phase. */
  listenerIndex?: number;
  pending?: PendingStep;
  /** Tokens waiting at joining gateways of this scope: gatewayId → flowId → count. */
  joins?: Record<string, Record<string, number>>;
  /** Call activities: the child process instance. Process instances: their parent. */
  calledInstanceKey?: number;
  parentProcessInstanceKey?: number;
  parentElementInstanceKey?: number;
  /** Extra per-kind state (multi-instance counters, subscriptions, …). */
  extra?: Record<string, unknown>;
}

export type JobState = 'ACTIVATABLE' | 'ACTIVATED' | 'FAILED' | 'ERROR_THROWN';

export type JobKind = 'BPMN_ELEMENT' | 'EXECUTION_LISTENER';

export interface Job {
  key: number;
  type: string;
  state: JobState;
  kind: JobKind;
  listenerEventType?: 'START' | 'END';
  retries: number;
  /** Epoch ms when the activation lock ends; -1 when not activated. */
  deadline: number;
  worker: string;
  /** When a failed job with a backoff becomes activatable again; -1 otherwise. */
  recurAt: number;
  errorMessage: string;
  errorCode?: string;
  customHeaders: Record<string, string>;
  elementInstanceKey: number;
  elementId: string;
  processInstanceKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  processDefinitionVersion: number;
}

export type IncidentErrorType =
  | 'JOB_NO_RETRIES'
  | 'CONDITION_ERROR'
  | 'EXTRACT_VALUE_ERROR'
  | 'IO_MAPPING_ERROR'
  | 'UNHANDLED_ERROR_EVENT'
  | 'CALLED_ELEMENT_ERROR'
  | 'MESSAGE_SIZE_EXCEEDED'
  | 'EXECUTION_LISTENER_NO_RETRIES'
  | 'UNKNOWN';

export interface Incident {
  key: number;
  errorType: IncidentErrorType;
  errorMessage: string;
  processInstanceKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  elementInstanceKey: number;
  elementId: string;
  /** -1 when the incident is not about a job. */
  jobKey: number;
  variableScopeKey: number;
  createdAt: number;
}

/** A variable's value together with its JSON text: parsed for FEEL, text for the wire and store. */
export interface Variable {
  key: number;
  value: unknown;
  json: string;
}

/**
 * An open event subscription: a message, timer or signal that an element waits for.
 * `ownerKey` is the element instance whose end closes it (the catch event itself, the activity
 * of a boundary event, the gateway of an event-based gateway, the scope of an event
 * subprocess); -1 for a process start event subscription, which lives as long as its version
 * is the latest.
 */
export interface Subscription {
  key: number;
  kind: 'message' | 'timer' | 'signal';
  ownerKey: number;
  processInstanceKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  /** The catch element the event triggers. */
  elementId: string;
  interrupting: boolean;
  messageName?: string;
  correlationKey?: string;
  signalName?: string;
  timer?: { dueDate: number; repetitions: number; interval?: string; cron?: string };
}

/** A published message kept for its time to live, for subscriptions that open later. */
export interface BufferedMessage {
  key: number;
  name: string;
  correlationKey: string;
  messageId: string;
  variables: Record<string, unknown>;
  /** Epoch ms after which the message is dropped. */
  deadline: number;
  /** A message correlates at most once per process (bpmnProcessId). */
  correlatedProcessIds: string[];
  processInstanceKey?: number;
}
