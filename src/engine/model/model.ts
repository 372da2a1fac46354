/**
 * The executable model of a deployed BPMN process: what the element processors read.
 *
 * It is built once per deployed definition by `parseBpmn()` from the XML and never mutated
 * afterwards. Everything an instance needs at run time is resolved here (sequence flows by
 * id, flow scopes, boundary events per activity, parsed expressions), so processing never
 * walks moddle objects.
 */

/** Zeebe's `bpmnElementType` names, as they appear in records. */
export type BpmnElementType =
  | 'PROCESS'
  | 'SUB_PROCESS'
  | 'EVENT_SUB_PROCESS'
  | 'CALL_ACTIVITY'
  | 'MULTI_INSTANCE_BODY'
  | 'START_EVENT'
  | 'END_EVENT'
  | 'INTERMEDIATE_CATCH_EVENT'
  | 'INTERMEDIATE_THROW_EVENT'
  | 'BOUNDARY_EVENT'
  | 'SERVICE_TASK'
  | 'SEND_TASK'
  | 'SCRIPT_TASK'
  | 'BUSINESS_RULE_TASK'
  | 'USER_TASK'
  | 'RECEIVE_TASK'
  | 'MANUAL_TASK'
  | 'TASK'
  | 'EXCLUSIVE_GATEWAY'
  | 'PARALLEL_GATEWAY'
  | 'INCLUSIVE_GATEWAY'
  | 'EVENT_BASED_GATEWAY'
  | 'SEQUENCE_FLOW';

/** Zeebe's `bpmnEventType` names. */
export type BpmnEventType =
  | 'UNSPECIFIED'
  | 'NONE'
  | 'MESSAGE'
  | 'TIMER'
  | 'ERROR'
  | 'SIGNAL'
  | 'ESCALATION'
  | 'TERMINATE'
  | 'LINK'
  | 'COMPENSATION'
  | 'CONDITIONAL';

/**
 * A value given in the diagram that may be static or a FEEL expression.
 * Zeebe marks expressions with a leading `=`; `source` holds the expression without it.
 */
export type ValueOrExpression =
  | { kind: 'static'; value: string }
  | { kind: 'expression'; source: string };

/** One `zeebe:input` / `zeebe:output` entry; a missing source maps to null. */
export interface VariableMapping {
  /** FEEL expression without the leading `=`, or undefined when the source is absent. */
  source?: string;
  /** Target variable name; may be a dotted path (`a.b.c`) creating nested contexts. */
  target: string;
}

export interface JobDefinition {
  type: ValueOrExpression;
  /** Defaults to static "3". */
  retries: ValueOrExpression;
}

export interface ExecutionListenerModel {
  eventType: 'start' | 'end';
  type: ValueOrExpression;
  retries: ValueOrExpression;
}

export interface MessageDefinition {
  /** Message name (static or expression). */
  name: ValueOrExpression;
  /** Correlation key expression (`zeebe:subscription correlationKey`); absent on start events. */
  correlationKey?: ValueOrExpression;
}

export type TimerDefinition =
  | { kind: 'duration'; value: ValueOrExpression }
  | { kind: 'date'; value: ValueOrExpression }
  | { kind: 'cycle'; value: ValueOrExpression };

export interface ErrorDefinition {
  /** Undefined means catch-all (on catch events) / no code (invalid on throw events). */
  errorCode?: ValueOrExpression;
  /** `zeebe:errorCodeVariable` / `errorMessageVariable` on catch events. */
  errorCodeVariable?: string;
  errorMessageVariable?: string;
}

export interface EscalationDefinition {
  /** Undefined means catch-all. */
  escalationCode?: ValueOrExpression;
  escalationCodeVariable?: string;
}

export interface SignalDefinition {
  name: ValueOrExpression;
}

export interface LinkDefinition {
  name: string;
}

export interface MultiInstanceModel {
  isSequential: boolean;
  inputCollection: string;
  inputElement?: string;
  outputCollection?: string;
  outputElement?: string;
  completionCondition?: string;
}

export interface CalledElementModel {
  processId: ValueOrExpression;
  propagateAllChildVariables: boolean;
  propagateAllParentVariables: boolean;
}

export interface SequenceFlowModel {
  id: string;
  name?: string;
  sourceId: string;
  targetId: string;
  /** FEEL condition without the leading `=`; undefined when the flow is unconditional. */
  condition?: string;
}

export interface ElementModel {
  id: string;
  name?: string;
  type: BpmnElementType;
  eventType: BpmnEventType;
  /** The id of the enclosing process / subprocess; null for the process itself. */
  flowScopeId: string | null;
  incoming: SequenceFlowModel[];
  outgoing: SequenceFlowModel[];
  /** Gateways and activities: the default flow, never evaluated. */
  defaultFlowId?: string;

  jobDefinition?: JobDefinition;
  /** `zeebe:taskHeaders`, in document order. */
  taskHeaders?: Record<string, string>;
  inputMappings?: VariableMapping[];
  outputMappings?: VariableMapping[];
  executionListeners?: ExecutionListenerModel[];

  /** Containers (process, subprocess, event subprocess): the ids of their direct children. */
  childIds?: string[];
  /** Containers: the none start event the container starts with (absent when it has none). */
  noneStartEventId?: string;
  /** Containers: start events of their event subprocesses (direct children). */
  eventSubprocessStartIds?: string[];
  /** Start events of event subprocesses and boundary events: whether they interrupt their scope. */
  interrupting?: boolean;

  /** Activities: the ids of boundary events attached to them. */
  boundaryEventIds?: string[];
  /** Boundary events: the activity they are attached to. */
  attachedToId?: string;

  /** Event-based gateways: the catch events that follow them. */
  eventBasedTargets?: string[];

  message?: MessageDefinition;
  timer?: TimerDefinition;
  error?: ErrorDefinition;
  escalation?: EscalationDefinition;
  signal?: SignalDefinition;
  link?: LinkDefinition;
  multiInstance?: MultiInstanceModel;
  calledElement?: CalledElementModel;
}

export interface ProcessModel {
  bpmnProcessId: string;
  name?: string;
  /** The process element itself (type PROCESS) is also in `elements`. */
  elements: Map<string, ElementModel>;
  flows: Map<string, SequenceFlowModel>;
  /** The process-level start events by kind, for instance creation and subscriptions. */
  noneStartEventId?: string;
  messageStartEventIds: string[];
  timerStartEventIds: string[];
  signalStartEventIds: string[];
}

/** One problem found in a BPMN resource; all of them are reported together at deploy. */
export interface ValidationProblem {
  elementId?: string;
  message: string;
}
