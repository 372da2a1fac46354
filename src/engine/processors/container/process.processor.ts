import type { BpmnRuntime } from '../../bpmn-runtime';
import type { ElementModel } from '../../model/model';
import type { ElementInstance } from '../../state/entities';
import type { ElementProcessor } from '../element-processor';

/**
 * Processes, embedded subprocesses and event subprocesses: activate the none start event (or
 * the start element chosen at creation: a message, timer or signal start event, the start
 * event of a triggered event subprocess) and complete when no child is active.
 */
export class ContainerProcessor implements ElementProcessor {
  activate(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel): void {
    rt.transition(instance, 'ACTIVATED', element);
    const startId = (instance.extra?.startElementId as string | undefined) ?? element.noneStartEventId;
    if (startId) {
      const trigger = instance.extra?.startTrigger as Record<string, unknown> | undefined;
      rt.activateChild(instance, startId, trigger ? { extra: { trigger } } : undefined);
    } else {
      rt.checkScopeCompletion(instance);
    }
  }
}
