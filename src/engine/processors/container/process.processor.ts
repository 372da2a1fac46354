import type { BpmnRuntime } from '../../bpmn-runtime';
import type { ElementModel } from '../../model/model';
import type { ElementInstance } from '../../state/entities';
import type { ElementProcessor } from '../element-processor';

/**
 * Processes and embedded subprocesses: activate the none start event (or the start element
 * chosen at creation, e.g. a message start event) and complete when no child is active.
 */
export class ContainerProcessor implements ElementProcessor {
  activate(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel): void {
    rt.transition(instance, 'ACTIVATED', element);
    const startId = (instance.extra?.startElementId as string | undefined) ?? element.noneStartEventId;
    if (startId) {
      rt.activateChild(instance, startId);
    } else {
      rt.checkScopeCompletion(instance);
    }
  }
}
