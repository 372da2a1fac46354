import { hostname } from 'node:os';

/** Injection token of the runner's `JobWorkerRunnerOptions`. */
export const JOB_WORKER_RUNNER_OPTIONS = Symbol('JOB_WORKER_RUNNER_OPTIONS');

/** Process-wide settings of the job workers (per job type settings live on `@JobWorker`). */
export interface JobWorkerRunnerOptions {
  /** Start the workers on application bootstrap. Default true; false leaves it to `runner.start()`. */
  readonly autoStart: boolean;
  /** The `worker` name sent with activations; shows in the engine's job records. */
  readonly workerName: string;
  /** How long shutdown waits for in-flight jobs before giving up on them. Default 30 s. */
  readonly drainTimeoutMs: number;
}

export function resolveRunnerOptions(options: Partial<JobWorkerRunnerOptions> = {}): JobWorkerRunnerOptions {
  return {
    autoStart: options.autoStart ?? true,
    workerName: options.workerName ?? `travesia-${hostname()}-${process.pid}`,
    drainTimeoutMs: options.drainTimeoutMs ?? 30_000,
  };
}
