import type { BpmnRuntime } from '../../bpmn-runtime';
import type { ElementModel, SequenceFlowModel } from '../../model/model';
import type { ElementInstance } from '../../state/entities';
import type { ElementProcessor } from '../element-processor';

export const NO_FLOW_MESSAGE =
  'Expected at least one condition to evaluate to true, or to have a default flow';

/**
 * Evaluates the outgoing conditions in order; the first true one wins, else the default flow
 * (never evaluated), else a CONDITION_ERROR incident. Resolving the incident re-evaluates.
 */
export class ExclusiveGatewayProcessor implements ElementProcessor {
  activate(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel): void {
    let chosen: SequenceFlowModel | undefined;
    if (element.outgoing.length > 0) {
      // The gateway's own scope: its start listeners and local SetVariables are visible.
      const context = rt.variables.context(instance.key);
      for (const flow of element.outgoing) {
        if (flow.id === element.defaultFlowId) continue;
        if (flow.condition === undefined) {
          chosen = flow;
          break;
        }
        const result = rt.expressions.evaluateCondition(flow.condition, context);
        if (!result.ok) {
          rt.incidents.raise(instance, 'EXTRACT_VALUE_ERROR', result.message, 'activate');
          return;
        }
        if (result.value) {
          chosen = flow;
          break;
        }
      }
      chosen ??= element.outgoing.find((f) => f.id === element.defaultFlowId);
      if (!chosen) {
        rt.incidents.raise(instance, 'CONDITION_ERROR', NO_FLOW_MESSAGE, 'activate');
        return;
      }
    }
    instance.extra = { ...instance.extra, flows: chosen ? [chosen.id] : [] };
    rt.transition(instance, 'ACTIVATED', element);
    rt.complete(instance);
  }

  leave(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel, scope: ElementInstance): void {
    takeChosen(rt, instance, element, scope);
  }
}

/** Takes the flows a gateway chose on activation (kept in `extra.flows` across incidents). */
export function takeChosen(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel, scope: ElementInstance): void {
  const ids = (instance.extra?.flows as string[] | undefined) ?? [];
  for (const flow of element.outgoing) if (ids.includes(flow.id)) rt.takeFlow(scope, flow);
}
