/**
 * What a job handler sees and returns. Framework-free on purpose: handlers depend on this
 * port only, so they can be unit-tested with a fake job and never import Nest or the
 * Zeebe client.
 */

/** Process variables as a JSON object (what Zeebe accepts as a variables document). */
export type JobVariables = Record<string, unknown>;

/** An activated job, as delivered by the engine (fields follow Zeebe's ActivatedJob). */
export interface Job {
  /** Job key, a decimal int64 string. Stable across retries of the same job. */
  readonly key: string;
  /** The task definition type, e.g. `touchpoint.email`. */
  readonly type: string;
  readonly processInstanceKey: string;
  readonly bpmnProcessId: string;
  readonly processDefinitionVersion: number;
  readonly elementId: string;
  /**
   * Key of the element instance the job belongs to. Jobs are delivered at least once, so
   * side effects are made idempotent with this key.
   */
  readonly elementInstanceKey: string;
  /** Retries left, including this attempt. */
  readonly retries: number;
  /** Epoch milliseconds after which the engine may hand the job to another worker. */
  readonly deadline: number;
  readonly customHeaders: Readonly<Record<string, string>>;
  readonly variables: Readonly<JobVariables>;
}

/** The logging surface a handler gets; Nest's `Logger` satisfies it. */
export interface JobLogger {
  log(message: string, ...meta: unknown[]): void;
  debug(message: string, ...meta: unknown[]): void;
  warn(message: string, ...meta: unknown[]): void;
  error(message: string, ...meta: unknown[]): void;
}

/** Per-job services handed to the handler next to the job. */
export interface JobContext {
  readonly logger: JobLogger;
  /**
   * Aborted when the job's deadline passes (reason: `JobDeadlineExceededError`). Pass it to
   * HTTP calls and the like: past the deadline the engine may already have given the job to
   * another worker, so finishing the work here is wasted at best.
   */
  readonly signal: AbortSignal;
}

/**
 * A job handler: resolve with the variables to complete the job with (or nothing), throw a
 * `BusinessError` to take the BPMN error path, throw anything else (or a `RetryableError`)
 * to fail the job for a retry.
 *
 * The result is typed `object` rather than `JobVariables` so that results typed by an
 * interface (which has no index signature) are accepted; an array fails the job at run time.
 */
export type JobHandler = (job: Job, ctx: JobContext) => Promise<JobVariables | object | void>;
