/**
 * The rows of an `update … returning` or `delete … returning` run through TypeORM's
 * `query()`, which answers those with `[rows, affectedCount]` (and other statements with the
 * rows alone).
 */
export function returningRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
