/** A concurrent merge or erasure removed a row this transaction relied on; running it again sees the new state. */
export class ConcurrentChangeError extends Error {}

// deadlock_detected, serialization_failure: PostgreSQL rolled the transaction back, a new attempt may pass.
const RETRYABLE_CODES = new Set(['40P01', '40001']);
const ATTEMPTS = 5;

/**
 * Runs a transaction again when it lost a race: a deadlock, or a {@link ConcurrentChangeError}.
 * Writers lock customers in id order, so deadlocks are rare; this is the safety net.
 */
export async function withConflictRetries<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (attempt >= ATTEMPTS || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

function isRetryable(error: unknown): boolean {
  if (error instanceof ConcurrentChangeError) return true;
  // TypeORM wraps driver errors in QueryFailedError, keeping the driver's code.
  const code = (error as { code?: unknown; driverError?: { code?: unknown } } | null)?.driverError?.code ?? (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}
