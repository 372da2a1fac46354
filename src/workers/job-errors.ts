import type { JobVariables } from './job.port';

/**
 * A business outcome the process models: becomes a ThrowError command, caught by a BPMN
 * error boundary/event with the same error code (an incident if none catches it).
 * Never retried — running the job again would give the same answer.
 */
export class BusinessError extends Error {
  override readonly name = 'BusinessError';

  /**
   * @param code BPMN error code the process catches, e.g. `NO_CONSENT`.
   * @param message human-readable detail, kept in the engine's records.
   * @param variables set in the scope of the error catch event.
   */
  constructor(
    readonly code: string,
    message?: string,
    readonly variables: JobVariables = {},
  ) {
    super(message ?? code);
  }
}

/** Options of an explicit technical failure. */
export interface RetryableErrorOptions {
  /** Wait before the engine hands the job out again; overrides the worker's backoff policy. */
  readonly retryBackOffMs?: number;
  readonly cause?: unknown;
}

/**
 * A technical failure worth retrying (timeout, 5xx, lost connection): becomes a FailJob
 * command with one retry less. Any other non-business exception is treated the same way;
 * throw this one to choose the backoff explicitly (e.g. from a Retry-After header).
 */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  readonly retryBackOffMs?: number;

  constructor(message: string, options: RetryableErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.retryBackOffMs = options.retryBackOffMs;
  }
}

/** The reason of `JobContext.signal` once the job's deadline has passed. */
export class JobDeadlineExceededError extends Error {
  override readonly name = 'JobDeadlineExceededError';

  constructor(readonly deadline: number) {
    super(`job deadline ${new Date(deadline).toISOString()} has passed; the engine may hand the job to another worker`);
  }
}
