import type { BpmnRuntime } from '../../bpmn-runtime';
import type { ElementModel } from '../../model/model';
import type { ElementInstance } from '../../state/entities';
import type { ElementProcessor } from '../element-processor';

/**
 * Starts the latest version of the called process as a child instance and completes when it
 * does (see BpmnRuntime.returnToCaller); terminating the call activity terminates the child.
 */
export class CallActivityProcessor implements ElementProcessor {
  activate(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel): void {
    const called = element.calledElement!;
    const processId =
      called.processId.kind === 'static'
        ? { ok: true as const, value: called.processId.value }
        : rt.expressions.evaluateString(called.processId.source, rt.variables.context(instance.key));
    if (!processId.ok) {
      rt.incidents.raise(instance, 'EXTRACT_VALUE_ERROR', processId.message, 'activate');
      return;
    }
    const definition = rt.state.latestDefinition(processId.value);
    if (!definition) {
      rt.incidents.raise(
        instance,
        'CALLED_ELEMENT_ERROR',
        `Expected process with BPMN process id '${processId.value}' to be deployed, but not found.`,
        'activate',
      );
      return;
    }
    if (!definition.model.noneStartEventId) {
      rt.incidents.raise(
        instance,
        'CALLED_ELEMENT_ERROR',
        `Expected process with BPMN process id '${processId.value}' to have a none start event, but not found.`,
        'activate',
      );
      return;
    }
    rt.transition(instance, 'ACTIVATED', element);
    const variables =
      called.propagateAllParentVariables !== false ? rt.variables.context(instance.key) : rt.variables.local(instance.key);
    const child = rt.createProcessInstance(definition, variables, undefined, {
      processInstanceKey: instance.processInstanceKey,
      elementInstanceKey: instance.key,
    });
    instance.calledInstanceKey = child.key;
    rt.state.elements.touch(instance);
  }

  terminate(rt: BpmnRuntime, instance: ElementInstance): void {
    const child = instance.calledInstanceKey ? rt.state.elements.get(instance.calledInstanceKey) : undefined;
    if (child) rt.terminate(child);
  }
}
