import type { ElementModel } from '../model';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';

const CONDITIONAL_GATEWAYS = new Set(['EXCLUSIVE_GATEWAY', 'INCLUSIVE_GATEWAY']);

/**
 * Where sequence flows may go and carry conditions: only exclusive and inclusive gateways
 * evaluate conditions, and when they fork every branch needs one except the default flow,
 * which must leave that gateway. End events have no way out.
 */
export function validateSequenceFlowRules(
  ctx: ParseContext,
  elements: ReadonlyMap<string, ElementModel>,
  conditional: ReadonlySet<string>,
): void {
  for (const element of elements.values()) {
    const isConditionalGateway = CONDITIONAL_GATEWAYS.has(element.type);
    if (!isConditionalGateway && element.outgoing.some((flow) => conditional.has(flow.id))) {
      ctx.report(element.id, Problems.conditionOnlyAtGateways);
    }
    if (isConditionalGateway) validateGateway(ctx, element, conditional);
    if (element.type === 'END_EVENT' && element.outgoing.length > 0) ctx.report(element.id, Problems.endOutgoing);
  }
}

function validateGateway(ctx: ParseContext, gateway: ElementModel, conditional: ReadonlySet<string>): void {
  const { defaultFlowId, outgoing } = gateway;
  if (defaultFlowId !== undefined && !outgoing.some((flow) => flow.id === defaultFlowId)) {
    ctx.report(gateway.id, Problems.defaultFlowNotOutgoing);
  }
  if (outgoing.length < 2) return;
  const missing = gateway.type === 'EXCLUSIVE_GATEWAY' ? Problems.conditionOrDefault : Problems.conditionRequired;
  for (const flow of outgoing) {
    if (!conditional.has(flow.id) && flow.id !== defaultFlowId) ctx.report(flow.id, missing);
  }
}
