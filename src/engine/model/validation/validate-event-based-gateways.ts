import type { ElementModel } from '../model';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';
import { checkCatchDuplicates } from './check-catch-duplicates';

const TARGET_EVENT_TYPES = new Set(['MESSAGE', 'TIMER', 'SIGNAL']);

/**
 * Fills `eventBasedTargets` and checks the gateway: at least two branches, each an intermediate
 * message, timer or signal catch event reached only from this gateway, all distinguishable.
 */
export function linkEventBasedGateways(ctx: ParseContext, elements: ReadonlyMap<string, ElementModel>): void {
  for (const gateway of elements.values()) {
    if (gateway.type !== 'EVENT_BASED_GATEWAY') continue;
    const targets = gateway.outgoing.flatMap((flow) => elements.get(flow.targetId) ?? []);
    gateway.eventBasedTargets = targets.map((target) => target.id);
    if (gateway.outgoing.length < 2) ctx.report(gateway.id, Problems.eventGatewayTooFewFlows);
    const isValidTarget = (target: ElementModel) =>
      target.type === 'INTERMEDIATE_CATCH_EVENT' && TARGET_EVENT_TYPES.has(target.eventType);
    if (!targets.every(isValidTarget)) ctx.report(gateway.id, Problems.eventGatewayTargets);
    const reachedOtherwise = targets.some((target) => target.incoming.some((flow) => flow.sourceId !== gateway.id));
    if (reachedOtherwise) ctx.report(gateway.id, Problems.eventGatewayTargetIncoming);
    checkCatchDuplicates(ctx, gateway.id, targets.filter(isValidTarget));
  }
}
