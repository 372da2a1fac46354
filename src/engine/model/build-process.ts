import { flowElementKind, isContainer } from './element-kind';
import type { ElementModel, ProcessModel } from './model';
import { children, isPresent, localName, type ModdleElement } from './moddle-element';
import type { ParseContext } from './parse-context';
import { Problems } from './problem-messages';
import { readExecutionListeners } from './readers/read-execution-listeners';
import { readFlowNode } from './readers/read-flow-node';
import { readSequenceFlows, type PendingFlow } from './readers/read-sequence-flows';
import { linkBoundaryEvents } from './validation/validate-boundary-events';
import { linkEventBasedGateways } from './validation/validate-event-based-gateways';
import { validateScopes } from './validation/validate-scopes';
import { validateSequenceFlowRules } from './validation/validate-sequence-flow-rules';

interface Walk {
  elements: Map<string, ElementModel>;
  flows: PendingFlow[];
  /** Ids of elements rejected as unsupported, so references to them are not reported again. */
  rejected: Set<string>;
}

/**
 * Builds the executable model of one executable `bpmn:process`: walks its containers once,
 * reads every flow node, then links what refers across elements (sequence flows, boundary
 * events, event subprocess starts, event-based gateway targets) and checks the rules that span
 * several elements. Linear in the size of the process.
 */
export function buildProcess(ctx: ParseContext, process: ModdleElement, processId: string): ProcessModel {
  const root: ElementModel = {
    id: processId,
    type: 'PROCESS',
    eventType: 'UNSPECIFIED',
    flowScopeId: null,
    incoming: [],
    outgoing: [],
    childIds: [],
    eventSubprocessStartIds: [],
  };
  if (isPresent(process.name)) root.name = process.name;
  readExecutionListeners(ctx, process, root);
  const walk: Walk = { elements: new Map([[processId, root]]), flows: [], rejected: new Set() };
  visitContainer(ctx, process, root, walk);

  const { flows, conditional } = readSequenceFlows(ctx, walk.flows, walk.elements, walk.rejected);
  linkBoundaryEvents(ctx, walk.elements, walk.rejected);
  linkEventBasedGateways(ctx, walk.elements);
  linkScopes(walk.elements);
  validateScopes(ctx, walk.elements);
  validateSequenceFlowRules(ctx, walk.elements, conditional);
  for (const element of walk.elements.values()) dropUndefined(element);

  const processStarts = (root.childIds ?? []).flatMap((id) => walk.elements.get(id) ?? []);
  const startsOf = (eventType: ElementModel['eventType']) =>
    processStarts.filter((start) => start.type === 'START_EVENT' && start.eventType === eventType).map(({ id }) => id);
  const model: ProcessModel = {
    bpmnProcessId: processId,
    elements: walk.elements,
    flows,
    messageStartEventIds: startsOf('MESSAGE'),
    timerStartEventIds: startsOf('TIMER'),
    signalStartEventIds: startsOf('SIGNAL'),
  };
  if (root.name !== undefined) model.name = root.name;
  if (root.noneStartEventId !== undefined) model.noneStartEventId = root.noneStartEventId;
  return model;
}

function visitContainer(ctx: ParseContext, container: ModdleElement, scope: ElementModel, walk: Walk): void {
  for (const element of children(container, 'flowElements')) {
    const kind = flowElementKind(element);
    if (kind.kind === 'ignored') continue;
    const id = checkedId(ctx, element);
    if (id === undefined) continue;
    if (kind.kind === 'unsupported') {
      ctx.report(id, kind.message);
      walk.rejected.add(id);
      continue;
    }
    if (kind.kind === 'sequenceFlow') {
      walk.flows.push({ element, id, scopeId: scope.id });
      continue;
    }
    const model = readFlowNode(ctx, element, id, kind.type, scope);
    walk.elements.set(id, model);
    scope.childIds?.push(id);
    if (isContainer(model.type)) visitContainer(ctx, element, model, walk);
  }
}

/**
 * The element's id; a missing one is reported and the element skipped. (Malformed ids never get
 * here: moddle drops such elements while reading, and that is reported as a read problem.)
 */
export function checkedId(ctx: ParseContext, element: ModdleElement): string | undefined {
  if (isPresent(element.id)) return element.id;
  ctx.report(undefined, Problems.missingId(localName(element.$type)));
  return undefined;
}

/** Each scope learns its none start event and the start events of its event subprocesses. */
function linkScopes(elements: ReadonlyMap<string, ElementModel>): void {
  for (const scope of elements.values()) {
    if (!scope.childIds) continue;
    for (const childId of scope.childIds) {
      const child = elements.get(childId);
      if (child?.type === 'START_EVENT' && child.eventType === 'NONE') scope.noneStartEventId ??= child.id;
      if (child?.type !== 'EVENT_SUB_PROCESS') continue;
      for (const id of child.childIds ?? []) {
        if (elements.get(id)?.type === 'START_EVENT') scope.eventSubprocessStartIds?.push(id);
      }
    }
  }
}

/** Readers assign optional results directly; absent ones are removed so the model stays plain. */
function dropUndefined(element: ElementModel): void {
  const record = element as unknown as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (record[key] === undefined) delete record[key];
  }
}
