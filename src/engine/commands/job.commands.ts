import type { BpmnRuntime } from '../bpmn-runtime';
import { unhandledErrorMessage } from '../behaviors/error-catch.behavior';
import { Rejection } from '../errors';
import type { Job } from '../state/entities';
import type { ActivatedJob, FailJobRequest, ThrowErrorRequest } from './api';

function findJob(rt: BpmnRuntime, jobKey: number, action: string): Job {
  const job = rt.state.jobs.get(jobKey);
  if (!job) throw Rejection.notFound(`Expected to ${action} job with key '${jobKey}', but no such job was found`);
  return job;
}

/**
 * Only an activated job can be completed, failed or have an error thrown: a job whose lock
 * expired is activatable again and the late answer of its first worker is rejected.
 */
function requireActivated(job: Job, action: string): void {
  if (job.state !== 'ACTIVATED') {
    throw Rejection.invalidState(`Expected to ${action} job with key '${job.key}', but it is in state '${job.state}'`);
  }
}

export function completeJob(rt: BpmnRuntime, jobKey: number, variables: Record<string, unknown>): void {
  const job = findJob(rt, jobKey, 'complete');
  requireActivated(job, 'complete');
  rt.state.removeJob(job.key);
  rt.jobs.write(job, 'COMPLETED', { variables });
  const instance = rt.state.elements.get(job.elementInstanceKey);
  if (!instance) return;
  instance.jobKey = undefined;
  rt.state.elements.touch(instance);
  const element = rt.elementOf(instance);
  if (job.kind === 'EXECUTION_LISTENER') {
    instance.listenerIndex = (instance.listenerIndex ?? 0) + 1;
    if (job.listenerEventType === 'START') {
      // Start listener results are locals of the element, seen by its job and conditions.
      rt.variables.setLocal(instance, variables);
      rt.continueActivation(instance);
    } else {
      // End listener results propagate like output mappings, from the enclosing scope.
      if (instance.flowScopeKey > 0) rt.variables.merge(rt.scopeOf(instance), variables);
      else rt.variables.setLocal(instance, variables);
      rt.continueCompletion(instance);
    }
    return;
  }
  // Zeebe applies the job's variables once the task is COMPLETING. With output mappings the
  // result stays local and only the mapped targets propagate.
  rt.complete(instance, () => {
    if (element.outputMappings?.length) rt.variables.setLocal(instance, variables);
    else rt.variables.merge(instance, variables);
  });
}

export function failJob(rt: BpmnRuntime, request: FailJobRequest): void {
  const job = findJob(rt, request.jobKey, 'fail');
  requireActivated(job, 'fail');
  job.retries = request.retries;
  job.errorMessage = request.errorMessage;
  job.worker = '';
  job.deadline = -1;
  if (request.retries > 0 && request.retryBackOff > 0) {
    job.state = 'FAILED';
    job.recurAt = rt.now() + request.retryBackOff;
  } else if (request.retries > 0) {
    job.state = 'ACTIVATABLE';
    job.recurAt = -1;
  } else {
    job.state = 'FAILED';
    job.recurAt = -1;
  }
  rt.state.updateJob(job);
  rt.jobs.write(job, 'FAILED', { variables: request.variables, retryBackoff: request.retryBackOff });
  const instance = rt.state.elements.get(job.elementInstanceKey);
  if (instance && Object.keys(request.variables).length > 0) rt.variables.setLocal(instance, request.variables);
  if (job.state === 'ACTIVATABLE') rt.hooks.jobActivatable(job);
  if (request.retries <= 0) {
    const errorType = job.kind === 'EXECUTION_LISTENER' ? 'EXECUTION_LISTENER_NO_RETRIES' : 'JOB_NO_RETRIES';
    rt.incidents.raiseForJob(job, errorType, request.errorMessage || 'No more retries left.');
  }
}

export function throwError(rt: BpmnRuntime, request: ThrowErrorRequest): void {
  const job = findJob(rt, request.jobKey, 'throw an error for');
  requireActivated(job, 'throw an error for');
  if (job.kind === 'EXECUTION_LISTENER') {
    throw Rejection.invalidState(
      `Cannot throw BPMN error from EXECUTION_LISTENER job with key '${job.key}', type '${job.type}' and processInstanceKey '${job.processInstanceKey}'`,
    );
  }
  job.state = 'ERROR_THROWN';
  job.errorCode = request.errorCode;
  job.errorMessage = request.errorMessage;
  job.deadline = -1;
  rt.jobs.write(job, 'ERROR_THROWN', { variables: request.variables });
  const instance = rt.state.elements.get(job.elementInstanceKey);
  if (!instance) return;
  const seenCodes: string[] = [];
  const target = rt.errors.find(instance, 'ERROR', request.errorCode, seenCodes);
  if (target) {
    // The job is done: terminating its task must not cancel it as well.
    rt.state.removeJob(job.key);
    instance.jobKey = undefined;
    rt.errors.catch(target, request.variables);
    return;
  }
  rt.state.updateJob(job);
  rt.incidents.raiseForJob(job, 'UNHANDLED_ERROR_EVENT', unhandledErrorMessage(request.errorCode, request.errorMessage, seenCodes));
}

export function updateJobRetries(rt: BpmnRuntime, jobKey: number, retries: number): void {
  if (retries < 1) {
    throw Rejection.invalidArgument(
      `Expected to update retries for job with key '${jobKey}' with a positive amount of retries, but the amount given was '${retries}'`,
    );
  }
  const job = findJob(rt, jobKey, 'update');
  job.retries = retries;
  rt.state.updateJob(job);
  rt.jobs.write(job, 'RETRIES_UPDATED');
}

export function updateJobTimeout(rt: BpmnRuntime, jobKey: number, timeout: number): void {
  const job = findJob(rt, jobKey, 'update');
  if (job.state !== 'ACTIVATED') {
    throw Rejection.invalidState(`Expected to update the timeout of job with key '${jobKey}', but it is not active`);
  }
  job.deadline = rt.now() + timeout;
  rt.state.updateJob(job);
  rt.jobs.write(job, 'TIMEOUT_UPDATED');
}

export function resolveIncident(rt: BpmnRuntime, incidentKey: number): void {
  const incident = rt.state.incidents.get(incidentKey);
  if (!incident) {
    throw Rejection.notFound(`Expected to resolve incident with key '${incidentKey}', but no such incident was found`);
  }
  if (incident.jobKey > 0) {
    const job = rt.state.jobs.get(incident.jobKey);
    if (job && job.state === 'FAILED' && job.retries <= 0) {
      throw Rejection.invalidState(
        `Expected to resolve incident with key '${incidentKey}', but job with key '${job.key}' has no retries left. Please update the job retries and retry resolving the incident`,
      );
    }
    rt.incidents.resolve(incident);
    if (job) {
      job.state = 'ACTIVATABLE';
      job.recurAt = -1;
      job.errorCode = undefined;
      rt.state.updateJob(job);
      rt.hooks.jobActivatable(job);
    }
    return;
  }
  rt.incidents.resolve(incident);
  const instance = rt.state.elements.get(incident.elementInstanceKey);
  if (instance) rt.schedule(() => rt.retryPending(instance));
}

/** Zeebe's default maximum gRPC message size, which also bounds an activated job batch. */
export const DEFAULT_MAX_MESSAGE_SIZE = 4 * 1024 * 1024;

/** What an activated job costs on the wire besides its variables and headers (keys, ids, names, framing). */
const JOB_WIRE_OVERHEAD = 512;

export interface ActivationLimits {
  /** The largest message the gateway may send: a job that cannot fit in one raises an incident. */
  readonly messageBytes: number;
  /** The budget of the whole batch (one ActivateJobs response); a stream sends each job alone. */
  readonly batchBytes: number;
}

/**
 * Activates up to `max` activatable jobs of a type, oldest first, in one JOB_BATCH. The batch
 * stops (truncated) before it would outgrow `limits.batchBytes`; a job that alone is larger than a
 * message gets the incident MESSAGE_SIZE_EXCEEDED instead of being sent, as in Zeebe, so that
 * it cannot block the jobs behind it.
 */
export function activateJobs(
  rt: BpmnRuntime,
  type: string,
  worker: string,
  timeout: number,
  max: number,
  fetchVariable: readonly string[],
  limits: ActivationLimits,
): ActivatedJob[] {
  const activatable = rt.state.activatableByType.get(type);
  if (!activatable || activatable.size === 0 || max <= 0) return [];
  const now = rt.now();
  const jobs: ActivatedJob[] = [];
  let batchBytes = 0;
  let truncated = false;
  for (const job of activatable.values()) {
    if (jobs.length >= max) break;
    const variables = rt.variables.document(job.elementInstanceKey, fetchVariable);
    const customHeaders = JSON.stringify(job.customHeaders);
    const bytes = JOB_WIRE_OVERHEAD + Buffer.byteLength(variables) + Buffer.byteLength(customHeaders) + Buffer.byteLength(worker);
    if (bytes > limits.messageBytes) {
      jobTooLarge(rt, job, bytes, limits.messageBytes);
      continue;
    }
    if (batchBytes + bytes > limits.batchBytes) {
      truncated = true;
      break;
    }
    batchBytes += bytes;
    job.state = 'ACTIVATED';
    job.worker = worker;
    job.deadline = now + timeout;
    rt.state.updateJob(job);
    jobs.push({
      key: job.key,
      type: job.type,
      processInstanceKey: job.processInstanceKey,
      bpmnProcessId: job.bpmnProcessId,
      processDefinitionVersion: job.processDefinitionVersion,
      processDefinitionKey: job.processDefinitionKey,
      elementId: job.elementId,
      elementInstanceKey: job.elementInstanceKey,
      customHeaders,
      worker,
      retries: job.retries,
      deadline: job.deadline,
      variables,
    });
  }
  if (jobs.length === 0) return jobs;
  rt.state.log.append('JOB_BATCH', 'ACTIVATED', rt.state.keys.next(), now, {
    type,
    worker,
    timeout,
    maxJobsToActivate: max,
    jobKeys: jobs.map((j) => j.key),
    truncated,
    tenantIds: ['<default>'],
  });
  return jobs;
}

/**
 * The job is taken out of activation (FAILED, retries kept) with an incident: once its
 * variables are made smaller (SetVariables), resolving the incident makes it activatable again.
 */
function jobTooLarge(rt: BpmnRuntime, job: Job, bytes: number, limit: number): void {
  job.state = 'FAILED';
  job.recurAt = -1;
  job.errorMessage = `The job with key '${job.key}' can not be activated: with its variables and headers it takes ${bytes} bytes, more than the maximum message size of ${limit} bytes. Reduce the size of its variables (or fetch fewer of them), then resolve the incident`;
  rt.state.updateJob(job);
  rt.jobs.write(job, 'FAILED');
  rt.incidents.raiseForJob(job, 'MESSAGE_SIZE_EXCEEDED', job.errorMessage);
}

/** Jobs pushed to a stream that vanished before delivery go back to activatable. */
export function yieldJobs(rt: BpmnRuntime, jobKeys: readonly number[]): void {
  for (const key of jobKeys) {
    const job = rt.state.jobs.get(key);
    if (!job || job.state !== 'ACTIVATED') continue;
    job.state = 'ACTIVATABLE';
    job.worker = '';
    job.deadline = -1;
    rt.state.updateJob(job);
    rt.jobs.write(job, 'YIELDED');
    rt.hooks.jobActivatable(job);
  }
}

/** Activation locks that expired, and failed jobs whose backoff is over, become activatable. */
export function processDueJobs(rt: BpmnRuntime, now: number): void {
  for (const { key, deadline } of rt.state.jobDeadlines.popDue(now)) {
    const job = rt.state.jobs.get(key);
    if (!job || job.state !== 'ACTIVATED' || job.deadline !== deadline) continue;
    job.state = 'ACTIVATABLE';
    job.worker = '';
    job.deadline = -1;
    rt.state.updateJob(job);
    rt.jobs.write(job, 'TIMED_OUT');
    rt.hooks.jobActivatable(job);
  }
  for (const { key, recurAt } of rt.state.jobBackoffs.popDue(now)) {
    const job = rt.state.jobs.get(key);
    if (!job || job.state !== 'FAILED' || job.recurAt !== recurAt) continue;
    job.state = 'ACTIVATABLE';
    job.recurAt = -1;
    rt.state.updateJob(job);
    rt.jobs.write(job, 'RECURRED_AFTER_BACKOFF');
    rt.hooks.jobActivatable(job);
  }
}
