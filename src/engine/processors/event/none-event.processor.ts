import type { BpmnRuntime } from '../../bpmn-runtime';
import type { ElementModel } from '../../model/model';
import type { ElementInstance } from '../../state/entities';
import type { ElementProcessor } from '../element-processor';

/**
 * Elements with no behaviour of their own: start events (a triggered one brings its event's
 * variables), manual and undefined tasks, parallel gateways, link catch events, boundary
 * events (they are only activated once their event occurred). They complete at once.
 */
export class PassThroughProcessor implements ElementProcessor {
  activate(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel): void {
    rt.transition(instance, 'ACTIVATED', element);
    rt.completeTriggered(instance, instance.extra?.trigger as Record<string, unknown> | undefined);
  }
}
