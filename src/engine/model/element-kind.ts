import type { BpmnElementType, BpmnEventType } from './model';
import { flag, localName, type ModdleElement } from './moddle-element';
import { Problems } from './problem-messages';

/** What the process builder does with one `flowElements` entry. */
export type FlowElementKind =
  | { kind: 'flowNode'; type: BpmnElementType }
  | { kind: 'sequenceFlow' }
  | { kind: 'ignored' }
  | { kind: 'unsupported'; message: string };

const FLOW_NODE_TYPES: Readonly<Record<string, BpmnElementType>> = {
  'bpmn:SubProcess': 'SUB_PROCESS',
  'bpmn:CallActivity': 'CALL_ACTIVITY',
  'bpmn:StartEvent': 'START_EVENT',
  'bpmn:EndEvent': 'END_EVENT',
  'bpmn:IntermediateCatchEvent': 'INTERMEDIATE_CATCH_EVENT',
  'bpmn:IntermediateThrowEvent': 'INTERMEDIATE_THROW_EVENT',
  'bpmn:BoundaryEvent': 'BOUNDARY_EVENT',
  'bpmn:ServiceTask': 'SERVICE_TASK',
  'bpmn:SendTask': 'SEND_TASK',
  'bpmn:ScriptTask': 'SCRIPT_TASK',
  'bpmn:BusinessRuleTask': 'BUSINESS_RULE_TASK',
  'bpmn:UserTask': 'USER_TASK',
  'bpmn:ReceiveTask': 'RECEIVE_TASK',
  'bpmn:ManualTask': 'MANUAL_TASK',
  'bpmn:Task': 'TASK',
  'bpmn:ExclusiveGateway': 'EXCLUSIVE_GATEWAY',
  'bpmn:ParallelGateway': 'PARALLEL_GATEWAY',
  'bpmn:InclusiveGateway': 'INCLUSIVE_GATEWAY',
  'bpmn:EventBasedGateway': 'EVENT_BASED_GATEWAY',
};

/** Data elements carry no behaviour; Zeebe accepts and skips them. */
const IGNORED_TYPES = new Set(['bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference']);

/** Supported by Zeebe 8.8, not by this engine. */
const NOT_YET_SUPPORTED: Readonly<Record<string, string>> = {
  'bpmn:AdHocSubProcess': 'Ad-hoc subprocesses',
};

const EVENT_DEFINITION_TYPES: Readonly<Record<string, BpmnEventType>> = {
  'bpmn:MessageEventDefinition': 'MESSAGE',
  'bpmn:TimerEventDefinition': 'TIMER',
  'bpmn:ErrorEventDefinition': 'ERROR',
  'bpmn:SignalEventDefinition': 'SIGNAL',
  'bpmn:EscalationEventDefinition': 'ESCALATION',
  'bpmn:TerminateEventDefinition': 'TERMINATE',
  'bpmn:LinkEventDefinition': 'LINK',
  'bpmn:CompensateEventDefinition': 'COMPENSATION',
  'bpmn:ConditionalEventDefinition': 'CONDITIONAL',
};

const EVENT_TYPES = new Set<BpmnElementType>([
  'START_EVENT',
  'END_EVENT',
  'INTERMEDIATE_CATCH_EVENT',
  'INTERMEDIATE_THROW_EVENT',
  'BOUNDARY_EVENT',
]);

const ACTIVITY_TYPES = new Set<BpmnElementType>([
  'SUB_PROCESS',
  'CALL_ACTIVITY',
  'SERVICE_TASK',
  'SEND_TASK',
  'SCRIPT_TASK',
  'BUSINESS_RULE_TASK',
  'USER_TASK',
  'RECEIVE_TASK',
  'MANUAL_TASK',
  'TASK',
]);

const GATEWAY_TYPES = new Set<BpmnElementType>([
  'EXCLUSIVE_GATEWAY',
  'PARALLEL_GATEWAY',
  'INCLUSIVE_GATEWAY',
  'EVENT_BASED_GATEWAY',
]);

/** Classifies a `flowElements` entry by its moddle type, as Zeebe's model transformer does. */
export function flowElementKind(element: ModdleElement): FlowElementKind {
  if (element.$type === 'bpmn:SequenceFlow') return { kind: 'sequenceFlow' };
  if (IGNORED_TYPES.has(element.$type)) return { kind: 'ignored' };
  const notYet = NOT_YET_SUPPORTED[element.$type];
  if (notYet) return { kind: 'unsupported', message: Problems.notSupportedYet(notYet) };
  const type = FLOW_NODE_TYPES[element.$type];
  if (!type) return { kind: 'unsupported', message: Problems.unsupportedElement(localName(element.$type)) };
  if (type === 'SUB_PROCESS' && flag(element, 'triggeredByEvent', false)) {
    return { kind: 'flowNode', type: 'EVENT_SUB_PROCESS' };
  }
  return { kind: 'flowNode', type };
}

/**
 * Zeebe's `bpmnEventType`: from the (first) event definition of an event, NONE for an event
 * without one, MESSAGE for a receive task, UNSPECIFIED for everything else.
 */
export function eventTypeOf(type: BpmnElementType, eventDefinitions: readonly ModdleElement[]): BpmnEventType {
  if (type === 'RECEIVE_TASK') return 'MESSAGE';
  if (!EVENT_TYPES.has(type)) return 'UNSPECIFIED';
  const first = eventDefinitions[0];
  if (!first) return 'NONE';
  return EVENT_DEFINITION_TYPES[first.$type] ?? 'UNSPECIFIED';
}

export function isEvent(type: BpmnElementType): boolean {
  return EVENT_TYPES.has(type);
}

export function isActivity(type: BpmnElementType): boolean {
  return ACTIVITY_TYPES.has(type);
}

export function isGateway(type: BpmnElementType): boolean {
  return GATEWAY_TYPES.has(type);
}

/** Elements whose `childIds` list their direct children. */
export function isContainer(type: BpmnElementType): boolean {
  return type === 'PROCESS' || type === 'SUB_PROCESS' || type === 'EVENT_SUB_PROCESS';
}
