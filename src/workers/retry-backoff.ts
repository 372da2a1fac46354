/**
 * How long a failed job waits before the engine hands it out again: exponential in the
 * attempt number, from `baseMs`, capped at `maxMs`.
 */
export interface RetryBackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  /**
   * Retries the task definition starts with. A job carries only the retries it has left, so
   * the attempt number is derived from this; Zeebe's default for a service task is 3.
   */
  readonly initialRetries: number;
}

export const DEFAULT_RETRY_BACKOFF: RetryBackoffPolicy = { baseMs: 1_000, maxMs: 60_000, initialRetries: 3 };

/** Backoff for a job that failed while it had `retriesLeft` retries (before decrementing). */
export function retryBackOffFor(retriesLeft: number, policy: RetryBackoffPolicy): number {
  const attempt = Math.max(1, policy.initialRetries - retriesLeft + 1);
  // Clamp the exponent so a generous initialRetries cannot overflow to Infinity.
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt - 1, 30));
}
