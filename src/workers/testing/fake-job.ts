import type { JobOutcome } from '../job-outcome';
import type { Job, JobHandler, JobLogger } from '../job.port';
import { DEFAULT_RETRY_BACKOFF, type RetryBackoffPolicy } from '../retry-backoff';
import { runJob } from '../run-job';

/** Options of `runHandler`; defaults match a freshly created job worker. */
export interface RunHandlerOptions {
  readonly retryBackoff?: Partial<RetryBackoffPolicy>;
  readonly logger?: JobLogger;
  readonly now?: () => number;
}

const silentLogger: JobLogger = { log: () => undefined, debug: () => undefined, warn: () => undefined, error: () => undefined };

/** A job as the engine would activate it, with the given fields overridden. */
export function fakeJob(partial: Partial<Job> = {}): Job {
  return {
    key: '2251799813685251',
    type: 'test.job',
    processInstanceKey: '2251799813685249',
    bpmnProcessId: 'test-journey',
    processDefinitionVersion: 1,
    elementId: 'Task_1',
    elementInstanceKey: '2251799813685250',
    retries: DEFAULT_RETRY_BACKOFF.initialRetries,
    deadline: Date.now() + 60_000,
    customHeaders: {},
    variables: {},
    ...partial,
  };
}

/**
 * Runs a handler on a fake job exactly as the runner would and returns the command it
 * would send, so handler tests need no engine.
 * @example expect(await runHandler(send, { variables: { customerId: 'c1' } })).toEqual({ kind: 'complete', variables: { sent: true } })
 */
export function runHandler(handler: JobHandler, partialJob: Partial<Job> = {}, options: RunHandlerOptions = {}): Promise<JobOutcome> {
  return runJob(handler, fakeJob(partialJob), {
    logger: options.logger ?? silentLogger,
    retryBackoff: { ...DEFAULT_RETRY_BACKOFF, ...options.retryBackoff },
    now: options.now,
  });
}
