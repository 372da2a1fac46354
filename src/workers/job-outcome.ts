import type { JobVariables } from './job.port';

/**
 * The engine command a handler run ends in: CompleteJob, ThrowError or FailJob. A value
 * rather than a callback so the mapping from handler behaviour to command is testable
 * without an engine.
 */
export type JobOutcome =
  | { readonly kind: 'complete'; readonly variables: JobVariables }
  | { readonly kind: 'error'; readonly code: string; readonly message: string; readonly variables: JobVariables }
  | { readonly kind: 'fail'; readonly retries: number; readonly retryBackOffMs: number; readonly message: string };

export type JobOutcomeKind = JobOutcome['kind'];
