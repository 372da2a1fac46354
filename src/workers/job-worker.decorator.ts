import { SetMetadata } from '@nestjs/common';
import type { JobWorkerOptions } from './job-worker.options';
import type { JobHandler } from './job.port';

/** Metadata key under which `@JobWorker` records its arguments on the method. */
export const JOB_WORKER_METADATA = 'travesia:job-worker';

/** What `@JobWorker` records; read back by `JobWorkerRegistry` at boot. */
export interface JobWorkerMetadata {
  readonly type: string;
  readonly options: JobWorkerOptions;
}

/** A method decorator that only accepts methods with the `JobHandler` signature. */
export type JobWorkerDecorator = <T extends JobHandler>(
  target: object,
  propertyKey: string | symbol,
  descriptor: TypedPropertyDescriptor<T>,
) => void;

/**
 * Marks a method of a Nest provider as the handler of a job type. The method has the
 * `JobHandler` signature `(job, ctx) => Promise<variables | void>` (checked at compile
 * time); it is discovered at boot and bound to the Zeebe client by `JobWorkerRunner`.
 * A job type has exactly one handler in the application.
 *
 * @param type the BPMN task definition type, e.g. `touchpoint.email`.
 */
export function JobWorker(type: string, options: JobWorkerOptions = {}): JobWorkerDecorator {
  if (typeof type !== 'string' || type.trim() === '') {
    throw new Error(`@JobWorker needs a non-empty job type, found ${JSON.stringify(type)}`);
  }
  const setMetadata = SetMetadata<string, JobWorkerMetadata>(JOB_WORKER_METADATA, { type, options });
  return (target, propertyKey, descriptor) => {
    setMetadata(target, propertyKey, descriptor);
  };
}
