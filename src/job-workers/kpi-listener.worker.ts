import { Injectable, type Type } from '@nestjs/common';
import { KPI_LISTENER_VARIABLES, KpiCaptureService } from '../services';
import { type Job, JobWorker, type JobWorkerOptions } from '../workers';

/**
 * Every element of every instance waits for its KPI jobs, so many run at once (their rows are
 * group-committed, see KpiEventRepository). Long polling rather than streaming: the client's
 * job stream is not reopened after an error (e.g. the gateway not reachable yet at boot), and
 * only a poll every 30 s would then pick the jobs up.
 */
export const KPI_WORKER_OPTIONS: JobWorkerOptions = {
  fetchVariables: [...KPI_LISTENER_VARIABLES],
  maxJobsActive: 256,
  timeoutMs: 30_000,
  // Every element of every instance waits for these jobs twice: pushed jobs spare each one a
  // poll round trip. Unbounded in flight is fine here, since their rows are group-committed.
  stream: true,
};

/**
 * The KPI execution listeners' worker: records the start or end of the element (see
 * KpiCaptureService) and completes the job with no variables. Bound to its job type by
 * {@link kpiListenerWorkerFor}, since the type is configuration (KPI_LISTENER_JOB_TYPE).
 */
@Injectable()
export class KpiListenerWorker {
  constructor(private readonly capture: KpiCaptureService) {}

  async handle(job: Job): Promise<void> {
    await this.capture.capture(job, new Date());
  }
}

/**
 * KpiListenerWorker as the `@JobWorker` of `jobType`: a subclass per configuration, so that the
 * decorator gets the type known at boot without touching the class other apps (tests) share.
 */
export function kpiListenerWorkerFor(jobType: string): Type<KpiListenerWorker> {
  @Injectable()
  class ConfiguredKpiListenerWorker extends KpiListenerWorker {
    @JobWorker(jobType, KPI_WORKER_OPTIONS)
    override handle(job: Job): Promise<void> {
      return super.handle(job);
    }
  }
  return ConfiguredKpiListenerWorker;
}
