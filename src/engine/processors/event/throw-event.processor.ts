import type { BpmnRuntime } from '../../bpmn-runtime';
import type { ElementModel, ValueOrExpression } from '../../model/model';
import type { ElementInstance } from '../../state/entities';
import type { ElementProcessor } from '../element-processor';
import { unhandledErrorMessage } from '../../behaviors/error-catch.behavior';
import { JobTaskProcessor } from '../task/job-task.processor';

/**
 * End events and intermediate throw events: none, terminate, error, escalation, signal, link,
 * and message (a job, like a send task).
 */
export class ThrowEventProcessor implements ElementProcessor {
  private readonly job = new JobTaskProcessor();

  activate(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel): void {
    switch (element.eventType) {
      case 'MESSAGE':
        return this.job.activate(rt, instance, element);
      case 'ERROR':
        return this.throwError(rt, instance, element);
      case 'ESCALATION':
        return this.throwEscalation(rt, instance, element);
      case 'SIGNAL': {
        const name = evaluate(rt, instance, element.signal!.name);
        if (!name.ok) return void rt.incidents.raise(instance, 'EXTRACT_VALUE_ERROR', name.message, 'activate');
        // Zeebe sends the throw event's local variables (those of its input mappings) with
        // the signal; they are read now, before completing the event drops them.
        const variables = rt.variables.local(instance.key);
        rt.transition(instance, 'ACTIVATED', element);
        // A follow-up, as in Zeebe: the throw event completes first, so a catch event that
        // interrupts the thrower's own scope finds it done.
        rt.schedule(() => rt.events.broadcastSignal(name.value, variables));
        return rt.complete(instance);
      }
      default:
        rt.transition(instance, 'ACTIVATED', element);
        return rt.complete(instance);
    }
  }

  leave(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel, scope: ElementInstance): void {
    if (element.eventType === 'TERMINATE') {
      for (const sibling of rt.state.childrenOf(scope.key)) {
        if (sibling.key !== instance.key) rt.terminate(sibling);
      }
      if (scope.joins) {
        scope.joins = undefined;
        rt.state.elements.touch(scope);
      }
      return;
    }
    if (element.eventType === 'LINK' && element.type === 'INTERMEDIATE_THROW_EVENT') {
      const target = [...rt.definitionOf(instance).model.elements.values()].find(
        (e) => e.type === 'INTERMEDIATE_CATCH_EVENT' && e.eventType === 'LINK' && e.flowScopeId === element.flowScopeId && e.link?.name === element.link?.name,
      );
      if (target) rt.activateChild(scope, target.id);
      return;
    }
    for (const flow of element.outgoing) rt.takeFlow(scope, flow);
  }

  private throwError(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel): void {
    const code = element.error?.errorCode ? evaluate(rt, instance, element.error.errorCode) : { ok: true as const, value: '' };
    if (!code.ok) return void rt.incidents.raise(instance, 'EXTRACT_VALUE_ERROR', code.message, 'activate');
    const seenCodes: string[] = [];
    const target = rt.errors.find(instance, 'ERROR', code.value, seenCodes);
    if (!target) {
      rt.incidents.raise(instance, 'UNHANDLED_ERROR_EVENT', unhandledErrorMessage(code.value, '', seenCodes), 'activate');
      return;
    }
    rt.transition(instance, 'ACTIVATED', element);
    rt.errors.catch(target, {});
  }

  /** Uncaught or caught by a non-interrupting event, the throw event carries on as usual. */
  private throwEscalation(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel): void {
    const code = element.escalation?.escalationCode
      ? evaluate(rt, instance, element.escalation.escalationCode)
      : { ok: true as const, value: '' };
    if (!code.ok) return void rt.incidents.raise(instance, 'EXTRACT_VALUE_ERROR', code.message, 'activate');
    rt.transition(instance, 'ACTIVATED', element);
    const target = rt.errors.find(instance, 'ESCALATION', code.value);
    rt.errors.writeEscalation(instance, code.value, target);
    const interrupted = target ? rt.errors.catch(target, {}) : false;
    if (!interrupted && instance.state === 'ACTIVATED') rt.complete(instance);
  }
}

function evaluate(rt: BpmnRuntime, instance: ElementInstance, value: ValueOrExpression) {
  if (value.kind === 'static') return { ok: true as const, value: value.value };
  return rt.expressions.evaluateString(value.source, rt.variables.context(instance.key));
}
