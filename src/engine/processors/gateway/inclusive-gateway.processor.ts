import type { BpmnRuntime } from '../../bpmn-runtime';
import type { ElementModel } from '../../model/model';
import type { ElementInstance } from '../../state/entities';
import type { ElementProcessor } from '../element-processor';
import { NO_FLOW_MESSAGE, takeChosen } from './exclusive-gateway.processor';

/**
 * Forks on every outgoing flow whose condition is true (the default flow when none is);
 * joining is done by the runtime, which waits for the tokens that can still arrive.
 */
export class InclusiveGatewayProcessor implements ElementProcessor {
  activate(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel): void {
    const flows: string[] = [];
    if (element.outgoing.length > 0) {
      // The gateway's own scope: its start listeners and local SetVariables are visible.
      const context = rt.variables.context(instance.key);
      for (const flow of element.outgoing) {
        if (flow.id === element.defaultFlowId) continue;
        if (flow.condition === undefined) {
          flows.push(flow.id);
          continue;
        }
        const result = rt.expressions.evaluateCondition(flow.condition, context);
        if (!result.ok) {
          rt.incidents.raise(instance, 'EXTRACT_VALUE_ERROR', result.message, 'activate');
          return;
        }
        if (result.value) flows.push(flow.id);
      }
      if (flows.length === 0 && element.defaultFlowId) flows.push(element.defaultFlowId);
      if (flows.length === 0) {
        rt.incidents.raise(instance, 'CONDITION_ERROR', NO_FLOW_MESSAGE, 'activate');
        return;
      }
    }
    instance.extra = { ...instance.extra, flows };
    rt.transition(instance, 'ACTIVATED', element);
    rt.complete(instance);
  }

  leave(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel, scope: ElementInstance): void {
    takeChosen(rt, instance, element, scope);
  }
}
