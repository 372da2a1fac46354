import type { BpmnRuntime } from '../../bpmn-runtime';
import type { ElementModel } from '../../model/model';
import type { ElementInstance } from '../../state/entities';
import type { ElementProcessor } from '../element-processor';

/**
 * Intermediate message, timer and signal catch events and receive tasks: subscribe on
 * activation and complete when the event occurs (see EventTriggerBehavior). A catch event
 * chosen by an event-based gateway arrives already triggered and completes at once.
 */
export class CatchEventProcessor implements ElementProcessor {
  activate(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel): void {
    const trigger = instance.extra?.trigger as Record<string, unknown> | undefined;
    if (trigger || element.eventType === 'LINK') {
      rt.transition(instance, 'ACTIVATED', element);
      rt.completeTriggered(instance, trigger);
      return;
    }
    const failure = rt.subscriptions.open(instance, [element], instance.key);
    if (failure) {
      rt.incidents.raise(instance, 'EXTRACT_VALUE_ERROR', failure, 'activate');
      return;
    }
    rt.transition(instance, 'ACTIVATED', element);
  }
}

/** Waits on its following catch events; the first event to occur picks the branch. */
export class EventBasedGatewayProcessor implements ElementProcessor {
  activate(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel): void {
    const model = rt.definitionOf(instance).model;
    const targets = (element.eventBasedTargets ?? element.outgoing.map((f) => f.targetId)).map((id) => model.elements.get(id)!);
    const failure = rt.subscriptions.open(instance, targets, instance.key);
    if (failure) {
      rt.incidents.raise(instance, 'EXTRACT_VALUE_ERROR', failure, 'activate');
      return;
    }
    rt.transition(instance, 'ACTIVATED', element);
  }

  leave(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel, scope: ElementInstance): void {
    const flows = (instance.extra?.flows as string[] | undefined) ?? [];
    const trigger = instance.extra?.trigger as Record<string, unknown> | undefined;
    for (const flow of element.outgoing) {
      if (flows.includes(flow.id)) rt.takeFlow(scope, flow, { extra: { trigger: trigger ?? {} } });
    }
  }
}
