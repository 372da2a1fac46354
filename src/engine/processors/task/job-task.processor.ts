import type { BpmnRuntime } from '../../bpmn-runtime';
import type { ElementModel } from '../../model/model';
import type { ElementInstance } from '../../state/entities';
import type { ElementProcessor } from '../element-processor';

/**
 * Service, send, script, business rule and (job-based) user tasks: a job of the evaluated
 * type is created on activation; the task completes when the job does.
 */
export class JobTaskProcessor implements ElementProcessor {
  activate(rt: BpmnRuntime, instance: ElementInstance, element: ElementModel): void {
    const definition = element.jobDefinition ?? {
      type: { kind: 'static' as const, value: 'io.camunda.zeebe:userTask' },
      retries: { kind: 'static' as const, value: '3' },
    };
    const evaluated = rt.jobs.evaluate(instance, definition);
    if (!evaluated.ok) {
      rt.incidents.raise(instance, 'EXTRACT_VALUE_ERROR', evaluated.message, 'activate');
      return;
    }
    // Zeebe writes JOB CREATED before the task's ELEMENT_ACTIVATED.
    rt.jobs.create(instance, evaluated.type, evaluated.retries, element.taskHeaders);
    rt.transition(instance, 'ACTIVATED', element);
  }
}
