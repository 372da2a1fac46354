import type { JobOutcomeKind } from './job-outcome';

/** Optional injection token of a `JobWorkerMetrics` implementation (e.g. prom-client backed). */
export const JOB_WORKER_METRICS = Symbol('JOB_WORKER_METRICS');

/** Hook told about every job the runner handled, after its command was sent. */
export interface JobWorkerMetrics {
  /**
   * @param type job type.
   * @param outcome the command the job ended in.
   * @param durationMs handler run time plus the command round trip.
   */
  onJob(type: string, outcome: JobOutcomeKind, durationMs: number): void;
}
