import { eventTypeOf, isActivity, isContainer, isEvent } from '../element-kind';
import type { BpmnElementType, ElementModel } from '../model';
import { child, children, flag, isPresent, type ModdleElement } from '../moddle-element';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';
import { readCalledElement } from './read-called-element';
import { readEvent } from './read-event';
import { readExecutionListeners } from './read-execution-listeners';
import { readIoMappings } from './read-io-mappings';
import { readJobWorker } from './read-job-worker';
import { readMessage } from './read-message';
import { readMultiInstance } from './read-multi-instance';
import { readUserTask } from './read-user-task';

const JOB_WORKER_TASKS = new Set<BpmnElementType>(['SERVICE_TASK', 'SEND_TASK', 'SCRIPT_TASK', 'BUSINESS_RULE_TASK']);

/**
 * Turns one flow node into its ElementModel, reading every extension that applies to its type.
 * Links between elements (sequence flows, boundary events, children) are added by the builder.
 */
export function readFlowNode(
  ctx: ParseContext,
  element: ModdleElement,
  id: string,
  type: BpmnElementType,
  scope: ElementModel,
): ElementModel {
  const definitions = children(element, 'eventDefinitions');
  const model: ElementModel = {
    id,
    type,
    eventType: eventTypeOf(type, definitions),
    flowScopeId: scope.id,
    incoming: [],
    outgoing: [],
  };
  if (isPresent(element.name)) model.name = element.name;
  readIoMappings(ctx, element, model);
  if (isActivity(type)) readActivity(ctx, element, model);
  if (isContainer(type)) {
    model.childIds = [];
    model.eventSubprocessStartIds = [];
  }
  if (isEvent(type)) readEvent(ctx, element, model, definitions, scope.type);
  if (JOB_WORKER_TASKS.has(type)) readJobWorker(ctx, element, model);
  if (type === 'USER_TASK') readUserTask(ctx, element, model);
  if (type === 'RECEIVE_TASK') model.message = readMessage(ctx, id, element, { subscription: true });
  if (type === 'CALL_ACTIVITY') readCalledElement(ctx, element, model);
  if (type === 'EXCLUSIVE_GATEWAY' || type === 'INCLUSIVE_GATEWAY') readDefaultFlow(element, model);
  if (type === 'EVENT_BASED_GATEWAY') model.eventBasedTargets = [];
  readExecutionListeners(ctx, element, model);
  return model;
}

function readActivity(ctx: ParseContext, element: ModdleElement, model: ElementModel): void {
  model.boundaryEventIds = [];
  readDefaultFlow(element, model);
  readMultiInstance(ctx, element, model);
  if (flag(element, 'isForCompensation', false)) {
    ctx.report(model.id, Problems.notSupportedYet('Compensation handlers'));
  }
}

function readDefaultFlow(element: ModdleElement, model: ElementModel): void {
  const defaultFlow = child(element, 'default');
  if (defaultFlow && isPresent(defaultFlow.id)) model.defaultFlowId = defaultFlow.id;
}
