import type { JobOutcome } from './job-outcome';
import type { Job } from './job.port';
import type { ZeebeWorkerClient } from './zeebe-client.token';

/** The client's task handler and job, as typed by @camunda8/sdk (variables left `unknown`). */
export type ZeebeTaskHandler = Parameters<ZeebeWorkerClient['createWorker']>[0]['taskHandler'];
export type ZeebeJob = Parameters<ZeebeTaskHandler>[0];
export type JobActionAcknowledgement = Awaited<ReturnType<ZeebeTaskHandler>>;
export type StreamJobsRequest = Parameters<ZeebeWorkerClient['streamJobs']>[0];
type ErrorJobRequest = Extract<Parameters<ZeebeJob['error']>[0], object>;

/**
 * The client's job as the Job port. Variables are copied into a plain object because the
 * client parses them into a LosslessDto instance; header values are forced to strings
 * because Zeebe models them as strings but the client types them `string | number`.
 */
export function toJob(zeebeJob: ZeebeJob): Job {
  return {
    key: zeebeJob.key,
    type: zeebeJob.type,
    processInstanceKey: zeebeJob.processInstanceKey,
    bpmnProcessId: zeebeJob.bpmnProcessId,
    processDefinitionVersion: Number(zeebeJob.processDefinitionVersion),
    elementId: zeebeJob.elementId,
    elementInstanceKey: zeebeJob.elementInstanceKey,
    retries: Number(zeebeJob.retries),
    deadline: Number(zeebeJob.deadline),
    customHeaders: stringValues(zeebeJob.customHeaders),
    variables: isObject(zeebeJob.variables) ? { ...zeebeJob.variables } : {},
  };
}

/**
 * Sends the command an outcome stands for through the job's action callbacks, which also
 * release the worker's capacity for the job. Rejects when the engine rejects the command
 * (e.g. the job was cancelled or timed out meanwhile).
 */
export async function reportOutcome(zeebeJob: ZeebeJob, outcome: JobOutcome): Promise<JobActionAcknowledgement> {
  switch (outcome.kind) {
    case 'complete':
      return zeebeJob.complete(outcome.variables);
    case 'error': {
      const request: ErrorJobRequest = {
        errorCode: outcome.code,
        errorMessage: outcome.message,
        variables: outcome.variables as ErrorJobRequest['variables'],
      };
      return zeebeJob.error(request);
    }
    case 'fail':
      // Always explicit: the client's object form of fail() defaults retries to 0 (an incident).
      return zeebeJob.fail({ errorMessage: outcome.message, retries: outcome.retries, retryBackOff: outcome.retryBackOffMs });
  }
}

function stringValues(headers: unknown): Record<string, string> {
  if (!isObject(headers)) return {};
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
