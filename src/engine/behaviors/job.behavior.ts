import type { BpmnRuntime } from '../bpmn-runtime';
import type { ExecutionListenerModel, JobDefinition, ValueOrExpression } from '../model/model';
import { TENANT } from '../records/record';
import type { ElementInstance, Job, PendingStep } from '../state/entities';

type Evaluated = { ok: true; type: string; retries: number } | { ok: false; message: string };

/** Creates, cancels and describes jobs; shared by every job-based element and by listeners. */
export class JobBehavior {
  constructor(private readonly rt: BpmnRuntime) {}

  /** Evaluates the job type and retries of a task or listener in the element's scope. */
  evaluate(instance: ElementInstance, definition: JobDefinition | ExecutionListenerModel): Evaluated {
    const context = () => this.rt.variables.context(instance.key);
    const type = this.evaluateType(definition.type, context);
    if (!type.ok) return type;
    if (type.value.trim() === '') {
      return { ok: false, message: `Expected result of the expression '${describe(definition.type)}' to be a non-empty job type, but was ''.` };
    }
    let retries = 3;
    if (definition.retries.kind === 'static') {
      const n = Number(definition.retries.value);
      if (Number.isInteger(n)) retries = n;
    } else {
      const result = this.rt.expressions.evaluateNumber(definition.retries.source, context());
      if (!result.ok) return { ok: false, message: result.message };
      retries = Math.trunc(result.value);
    }
    return { ok: true, type: type.value, retries };
  }

  /** Creates the job of a task element. */
  create(instance: ElementInstance, type: string, retries: number, headers: Record<string, string> | undefined): Job {
    return this.put(instance, type, retries, headers ?? {}, 'BPMN_ELEMENT');
  }

  /** Creates the job of an execution listener, or raises an incident if its type cannot be evaluated. */
  createListenerJob(instance: ElementInstance, listener: ExecutionListenerModel, eventType: 'START' | 'END', pending: PendingStep): void {
    const evaluated = this.evaluate(instance, listener);
    if (!evaluated.ok) {
      this.rt.incidents.raise(instance, 'EXTRACT_VALUE_ERROR', evaluated.message, pending);
      return;
    }
    const element = this.rt.elementOf(instance);
    this.put(instance, evaluated.type, evaluated.retries, element.taskHeaders ?? {}, 'EXECUTION_LISTENER', eventType);
  }

  private put(
    instance: ElementInstance,
    type: string,
    retries: number,
    customHeaders: Record<string, string>,
    kind: Job['kind'],
    listenerEventType?: 'START' | 'END',
  ): Job {
    const job: Job = {
      key: this.rt.state.keys.next(),
      type,
      state: 'ACTIVATABLE',
      kind,
      listenerEventType,
      retries,
      deadline: -1,
      worker: '',
      recurAt: -1,
      errorMessage: '',
      customHeaders,
      elementInstanceKey: instance.key,
      elementId: instance.elementId,
      processInstanceKey: instance.processInstanceKey,
      processDefinitionKey: instance.processDefinitionKey,
      bpmnProcessId: instance.bpmnProcessId,
      processDefinitionVersion: instance.version,
    };
    this.rt.state.putJob(job);
    instance.jobKey = job.key;
    this.rt.state.elements.touch(instance);
    this.write(job, 'CREATED');
    this.rt.hooks.jobActivatable(job);
    return job;
  }

  /** Cancels a job because its element is terminated. */
  cancel(jobKey: number): void {
    const job = this.rt.state.removeJob(jobKey);
    if (job) this.write(job, 'CANCELED');
  }

  write(job: Job, intent: string, extra?: Record<string, unknown>): void {
    this.rt.state.log.append('JOB', intent, job.key, this.rt.now(), { ...jobRecordValue(job), ...extra }, job.processInstanceKey, job.elementId, null);
  }

  /** Zeebe takes a job type only from a FEEL string: a number or boolean result is an incident. */
  private evaluateType(value: ValueOrExpression, context: () => Record<string, unknown>) {
    if (value.kind === 'static') return { ok: true as const, value: value.value };
    return this.rt.expressions.evaluateString(value.source, context(), { strict: true });
  }
}

export function jobRecordValue(job: Job): Record<string, unknown> {
  return {
    type: job.type,
    worker: job.worker,
    retries: job.retries,
    deadline: job.deadline,
    errorMessage: job.errorMessage,
    errorCode: job.errorCode ?? '',
    customHeaders: job.customHeaders,
    elementId: job.elementId,
    elementInstanceKey: job.elementInstanceKey,
    processInstanceKey: job.processInstanceKey,
    bpmnProcessId: job.bpmnProcessId,
    processDefinitionVersion: job.processDefinitionVersion,
    processDefinitionKey: job.processDefinitionKey,
    jobKind: job.kind,
    jobListenerEventType: job.listenerEventType ?? 'UNSPECIFIED',
    tenantId: TENANT,
  };
}

function describe(value: ValueOrExpression): string {
  return value.kind === 'static' ? value.value : value.source;
}
