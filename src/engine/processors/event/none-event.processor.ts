import type { BpmnRuntime } from '../../bpmn-runtime';
import type { ElementModel } from '../../model/model';
import type { ElementInstance } from '../../state/entities';
import type { ElementProcessor } from '../element-processor';

/**
 * Elements with no behaviour of their own: none start/end/intermediate throw events, manual
 * and undefined tasks. They activate and complete at once.
 */
export class PassThroughProcessor implements ElementProcessor {
  activate(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel): void {
    rt.transition(instance, 'ACTIVATED', element);
    rt.complete(instance);
  }
}

/**
 * End events. A terminate end event ends every other active element of its scope, which then
 * completes.
 */
export class EndEventProcessor implements ElementProcessor {
  activate(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel): void {
    rt.transition(instance, 'ACTIVATED', element);
    rt.complete(instance);
  }

  leave(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel, scope: ElementInstance): void {
    if (element.eventType !== 'TERMINATE') return;
    for (const sibling of rt.state.childrenOf(scope.key)) {
      if (sibling.key !== instance.key) rt.terminate(sibling);
    }
    if (scope.joins) {
      scope.joins = undefined;
      rt.state.elements.touch(scope);
    }
  }
}
