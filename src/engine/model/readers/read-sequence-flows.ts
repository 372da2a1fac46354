import type { ElementModel, SequenceFlowModel } from '../model';
import { child, expressionBody, isPresent, type ModdleElement } from '../moddle-element';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';
import { readExpression } from '../read-value';

/** A `bpmn:sequenceFlow` as found while walking the containers, with its container's id. */
export interface PendingFlow {
  element: ModdleElement;
  id: string;
  scopeId: string;
}

export interface SequenceFlows {
  flows: Map<string, SequenceFlowModel>;
  /** Flows with a `conditionExpression`, even an invalid one, for the gateway rules. */
  conditional: Set<string>;
}

/**
 * Resolves sequence flows to the elements they connect and adds them to their `outgoing` and
 * `incoming` lists, in document order of the flows (the order an exclusive gateway evaluates).
 * Flows touching an element already rejected as unsupported are dropped without a second problem.
 */
export function readSequenceFlows(
  ctx: ParseContext,
  pending: readonly PendingFlow[],
  elements: ReadonlyMap<string, ElementModel>,
  rejected: ReadonlySet<string>,
): SequenceFlows {
  const flows = new Map<string, SequenceFlowModel>();
  const conditional = new Set<string>();
  for (const { element, id, scopeId } of pending) {
    const body = expressionBody(element, 'conditionExpression');
    if (body !== undefined) conditional.add(id);
    const condition = body === undefined ? undefined : readExpression(ctx, id, body);
    const source = endpoint(ctx, element, id, 'sourceRef', elements, rejected);
    const target = endpoint(ctx, element, id, 'targetRef', elements, rejected);
    if (!source || !target) continue;
    if (source.flowScopeId !== scopeId || target.flowScopeId !== scopeId) {
      ctx.report(id, Problems.flowCrossesScope(source.id, target.id));
      continue;
    }
    const flow: SequenceFlowModel = { id, sourceId: source.id, targetId: target.id };
    if (isPresent(element.name)) flow.name = element.name;
    if (condition !== undefined) flow.condition = condition;
    flows.set(id, flow);
    source.outgoing.push(flow);
    target.incoming.push(flow);
  }
  return { flows, conditional };
}

function endpoint(
  ctx: ParseContext,
  flow: ModdleElement,
  flowId: string,
  property: 'sourceRef' | 'targetRef',
  elements: ReadonlyMap<string, ElementModel>,
  rejected: ReadonlySet<string>,
): ElementModel | undefined {
  const isSource = property === 'sourceRef';
  const referenced = child(flow, property);
  const referencedId = referenced?.id ?? ctx.unresolvedReference(flow, property);
  if (referencedId === undefined) {
    ctx.report(flowId, isSource ? Problems.flowMissingSource : Problems.flowMissingTarget);
    return undefined;
  }
  const model = elements.get(referencedId);
  if (!model && !rejected.has(referencedId)) {
    ctx.report(flowId, isSource ? Problems.flowUnresolvedSource(referencedId) : Problems.flowUnresolvedTarget(referencedId));
  }
  return model;
}
