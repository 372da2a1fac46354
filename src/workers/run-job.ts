import { deadlineSignal } from './deadline-signal';
import { BusinessError, RetryableError } from './job-errors';
import type { JobOutcome } from './job-outcome';
import type { Job, JobHandler, JobLogger, JobVariables } from './job.port';
import { retryBackOffFor, type RetryBackoffPolicy } from './retry-backoff';

export interface RunJobOptions {
  readonly logger: JobLogger;
  readonly retryBackoff: RetryBackoffPolicy;
  readonly now?: () => number;
}

/**
 * Runs a handler on a job and decides the engine command it ends in. Never rejects: every
 * exception, thrown synchronously or not, becomes an outcome. This is the whole mapping
 * from handler behaviour to Zeebe semantics, kept free of the client so it is unit-testable.
 */
export async function runJob(handler: JobHandler, job: Job, options: RunJobOptions): Promise<JobOutcome> {
  const deadline = deadlineSignal(job.deadline, options.now);
  try {
    const result = await handler(job, { logger: options.logger, signal: deadline.signal });
    return completion(result, job, options.retryBackoff);
  } catch (error) {
    return outcomeOfError(error, job, options.retryBackoff);
  } finally {
    deadline.dispose();
  }
}

function completion(result: unknown, job: Job, policy: RetryBackoffPolicy): JobOutcome {
  if (result === undefined || result === null) return { kind: 'complete', variables: {} };
  if (typeof result === 'object' && !Array.isArray(result)) {
    return { kind: 'complete', variables: result as JobVariables };
  }
  // Zeebe only accepts a JSON object as a variables document; anything else is a handler bug.
  const found = Array.isArray(result) ? 'an array' : typeof result;
  return failure(job, policy, `handler of ${job.type} must resolve with an object of variables or nothing, found ${found}`);
}

function outcomeOfError(error: unknown, job: Job, policy: RetryBackoffPolicy): JobOutcome {
  if (error instanceof BusinessError) {
    return { kind: 'error', code: error.code, message: error.message, variables: error.variables };
  }
  const explicitBackOff = error instanceof RetryableError ? error.retryBackOffMs : undefined;
  return failure(job, policy, describe(error), explicitBackOff);
}

function failure(job: Job, policy: RetryBackoffPolicy, message: string, explicitBackOffMs?: number): JobOutcome {
  const retries = Math.max(0, job.retries - 1);
  // With no retries left the job becomes an incident, so a backoff would mean nothing.
  const retryBackOffMs = retries === 0 ? 0 : (explicitBackOffMs ?? retryBackOffFor(job.retries, policy));
  return { kind: 'fail', retries, retryBackOffMs, message };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
  return `non-error thrown: ${String(error)}`;
}
