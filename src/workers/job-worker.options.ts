import { DEFAULT_RETRY_BACKOFF, type RetryBackoffPolicy } from './retry-backoff';

/** Per job type settings of `@JobWorker`. Every field has a default. */
export interface JobWorkerOptions {
  /** Jobs this worker runs at once (ActivateJobs `maxJobsToActivate`). Default 32. */
  readonly maxJobsActive?: number;
  /** How long a job stays locked to this worker before the engine may reassign it. Default 60 s. */
  readonly timeoutMs?: number;
  /** Variables to fetch; all visible variables when omitted. */
  readonly fetchVariables?: readonly string[];
  /** Backoff of technical failures. Default: 1 s doubling per attempt, capped at 60 s. */
  readonly retryBackoff?: Partial<RetryBackoffPolicy>;
  /**
   * Receive jobs pushed over StreamActivatedJobs instead of long-polling ActivateJobs.
   * Lower latency; but the client does not bound how many streamed jobs run at once, so
   * `maxJobsActive` then only sizes the backfill polls. Default false.
   */
  readonly stream?: boolean;
}

/** Options with the defaults applied. */
export interface ResolvedJobWorkerOptions {
  readonly maxJobsActive: number;
  readonly timeoutMs: number;
  readonly fetchVariables?: readonly string[];
  readonly retryBackoff: RetryBackoffPolicy;
  readonly stream: boolean;
}

export function resolveJobWorkerOptions(type: string, options: JobWorkerOptions = {}): ResolvedJobWorkerOptions {
  const resolved: ResolvedJobWorkerOptions = {
    maxJobsActive: options.maxJobsActive ?? 32,
    timeoutMs: options.timeoutMs ?? 60_000,
    fetchVariables: options.fetchVariables,
    retryBackoff: { ...DEFAULT_RETRY_BACKOFF, ...options.retryBackoff },
    stream: options.stream ?? false,
  };
  assertPositiveInteger(type, 'maxJobsActive', resolved.maxJobsActive);
  assertPositiveInteger(type, 'timeoutMs', resolved.timeoutMs);
  assertPositiveInteger(type, 'retryBackoff.initialRetries', resolved.retryBackoff.initialRetries);
  const { baseMs, maxMs } = resolved.retryBackoff;
  if (!(baseMs >= 0 && maxMs >= baseMs)) {
    throw new Error(`@JobWorker('${type}'): retryBackoff needs 0 <= baseMs <= maxMs, found baseMs=${baseMs}, maxMs=${maxMs}`);
  }
  return resolved;
}

function assertPositiveInteger(type: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`@JobWorker('${type}'): ${name} must be a positive integer, found ${value}`);
  }
}
