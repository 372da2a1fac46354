import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { muteCancelledStreamErrors } from './cancelled-stream-noise';
import type { JobOutcome } from './job-outcome';
import { JOB_WORKER_METRICS, type JobWorkerMetrics } from './job-worker.metrics';
import { JobWorkerRegistry, type RegisteredJobWorker } from './job-worker.registry';
import { JOB_WORKER_RUNNER_OPTIONS, type JobWorkerRunnerOptions } from './job-worker-runner.options';
import { runJob } from './run-job';
import { ZEEBE_GRPC_CLIENT, type ZeebeWorkerClient } from './zeebe-client.token';
import { reportOutcome, toJob, type JobActionAcknowledgement, type StreamJobsRequest, type ZeebeJob } from './zeebe-job.adapter';

const ACKNOWLEDGED: JobActionAcknowledgement = 'JOB_ACTION_ACKNOWLEDGEMENT';
/** Retries of opening a job stream: 250 ms, doubling, at most 10 s apart. */
const STREAM_RETRY_BASE_MS = 250;
const STREAM_RETRY_MAX_MS = 10_000;
const STREAM_SIDECAR_POLL_MS = 5_000;

/** One job type bound to the client; closing stops intake. */
interface Binding {
  readonly type: string;
  close(): Promise<void>;
}

/**
 * Binds every registered job worker to the Zeebe client — the one place that drives
 * @camunda8/sdk workers. Starts on application bootstrap (unless `autoStart` is off) and
 * drains on module destroy, i.e. before databases and the client itself are closed in
 * `onApplicationShutdown`. `start()` and `stop()` are public for tests and role switching.
 */
@Injectable()
export class JobWorkerRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(JobWorkerRunner.name);
  private readonly bindings: Binding[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    @Inject(ZEEBE_GRPC_CLIENT) private readonly client: ZeebeWorkerClient,
    private readonly registry: JobWorkerRegistry,
    @Inject(JOB_WORKER_RUNNER_OPTIONS) private readonly options: JobWorkerRunnerOptions,
    @Optional() @Inject(JOB_WORKER_METRICS) private readonly metrics?: JobWorkerMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.autoStart) this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** True while workers are bound to the client. */
  get running(): boolean {
    return this.bindings.length > 0;
  }

  /** Jobs whose handler or completion command has not finished yet. */
  get jobsInFlight(): number {
    return this.inFlight.size;
  }

  /** Creates one client worker per registered job type. Does nothing when already running. */
  start(): void {
    if (this.running) return;
    const workers = this.registry.list();
    for (const worker of workers) this.bindings.push(worker.options.stream ? this.stream(worker) : this.poll(worker));
    this.logger.log(
      workers.length === 0
        ? 'no job workers registered'
        : `job workers started as '${this.options.workerName}': ${workers.map(describe).join(', ')}`,
    );
  }

  /**
   * Stops taking jobs and waits for the jobs in flight to be completed, errored or failed,
   * at most `drainTimeoutMs`; jobs still running then time out in the engine and are retried.
   */
  async stop(): Promise<void> {
    const bindings = this.bindings.splice(0);
    if (bindings.length === 0 && this.inFlight.size === 0) return;
    this.logger.log(`stopping ${bindings.length} job workers, ${this.inFlight.size} jobs in flight`);
    const drained = await withinTimeout(this.drain(bindings), this.options.drainTimeoutMs);
    if (!drained) {
      this.logger.warn(`${this.inFlight.size} jobs still running after ${this.options.drainTimeoutMs} ms; the engine will hand them out again after their timeout`);
    }
  }

  private poll(worker: RegisteredJobWorker): Binding {
    const { options } = worker;
    const logger = new Logger(`JobWorker ${worker.type}`);
    // Variables and headers stay unknown until toJob() has checked them.
    const zbWorker = this.client.createWorker<unknown, unknown, unknown>({
      id: this.options.workerName,
      taskType: worker.type,
      taskHandler: (job) => this.handle(worker, logger, job),
      maxJobsToActivate: options.maxJobsActive,
      timeout: options.timeoutMs,
      // The client types this as keys of the (here unknown) input variables.
      fetchVariable: options.fetchVariables ? ([...options.fetchVariables] as never[]) : undefined,
    });
    // ZBWorker.close() stops polling and resolves once its active jobs are acknowledged.
    return { type: worker.type, close: async () => void (await zbWorker.close()) };
  }

  /**
   * A job stream. The client gives up on a stream it could not open (the engine not up yet, a
   * cluster restarting), so opening is retried with backoff until it works or the runner stops.
   */
  private stream(worker: RegisteredJobWorker): Binding {
    const { options } = worker;
    const logger = new Logger(`JobWorker ${worker.type}`);
    // tenantIds is left out so the client applies its configured tenant, as createWorker
    // does; the client's type requires the field although its implementation does not.
    const request: Omit<StreamJobsRequest, 'tenantIds'> = {
      type: worker.type,
      worker: this.options.workerName,
      timeout: options.timeoutMs,
      fetchVariables: options.fetchVariables ? [...options.fetchVariables] : undefined,
      pollMaxJobsToActivate: options.maxJobsActive,
      // The client's safety-net poll for jobs the stream missed; it does not reopen a broken
      // stream, so this bounds how long such jobs wait (its default is 30 s).
      pollInterval: STREAM_SIDECAR_POLL_MS,
      taskHandler: (job) => this.handle(worker, logger, job),
    };
    muteCancelledStreamErrors();
    let closed = false;
    let opened: { close(): void } | undefined;
    let retry: NodeJS.Timeout | undefined;
    const open = (attempt: number): void => {
      this.client.streamJobs<unknown, unknown, unknown>(request as StreamJobsRequest).then(
        (stream) => {
          if (closed) stream.close();
          else opened = stream;
        },
        (error: unknown) => {
          if (closed) return;
          const delay = Math.min(STREAM_RETRY_MAX_MS, STREAM_RETRY_BASE_MS * 2 ** attempt);
          this.logger.warn(`job stream for ${worker.type} could not be opened (${String(error)}); trying again in ${delay} ms`);
          retry = setTimeout(() => open(attempt + 1), delay);
        },
      );
    };
    open(0);
    // The stream worker does not track its jobs; the in-flight set does, in drain().
    return {
      type: worker.type,
      close: async () => {
        closed = true;
        clearTimeout(retry);
        opened?.close();
      },
    };
  }

  /** The client's task handler: resolves once the job's command is sent, never rejects. */
  private handle(worker: RegisteredJobWorker, logger: Logger, zeebeJob: ZeebeJob): Promise<JobActionAcknowledgement> {
    const run = this.process(worker, logger, zeebeJob);
    this.inFlight.add(run);
    return run.finally(() => this.inFlight.delete(run)).then(() => ACKNOWLEDGED);
  }

  /** Cannot reject: every step that could throw is guarded, and the command is always sent. */
  private async process(worker: RegisteredJobWorker, logger: Logger, zeebeJob: ZeebeJob): Promise<void> {
    const started = performance.now();
    const outcome = await this.outcomeOf(worker, zeebeJob, logger);
    try {
      await reportOutcome(zeebeJob, outcome);
    } catch (error) {
      // Rethrowing would make the polling client fail a job it may just have completed.
      logger.warn(`${outcome.kind} of job ${zeebeJob.key} was rejected by the engine (cancelled or timed out meanwhile?): ${String(error)}`);
    }
    try {
      logOutcome(logger, zeebeJob, outcome);
      this.metrics?.onJob(worker.type, outcome.kind, performance.now() - started);
    } catch (error) {
      logger.warn(`reporting job ${worker.type} to logs or metrics failed: ${String(error)}`);
    }
  }

  private async outcomeOf(worker: RegisteredJobWorker, zeebeJob: ZeebeJob, logger: Logger): Promise<JobOutcome> {
    try {
      return await runJob(worker.handler, toJob(zeebeJob), { logger, retryBackoff: worker.options.retryBackoff });
    } catch (error) {
      // runJob never rejects; only a job the adapter cannot read lands here, and it must still be acknowledged.
      return { kind: 'fail', retries: Math.max(0, Number(zeebeJob.retries) - 1), retryBackOffMs: 0, message: `unreadable job: ${String(error)}` };
    }
  }

  private async drain(bindings: readonly Binding[]): Promise<void> {
    await Promise.all(
      bindings.map((binding) =>
        binding.close().catch((error: unknown) => this.logger.warn(`closing the ${binding.type} worker failed: ${String(error)}`)),
      ),
    );
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }
}

function describe(worker: RegisteredJobWorker): string {
  return `${worker.type} (${worker.source}, ${worker.options.stream ? 'streaming' : 'polling'})`;
}

function logOutcome(logger: Logger, job: ZeebeJob, outcome: JobOutcome): void {
  const where = `job ${job.key} (${job.bpmnProcessId} ${job.elementId}, instance ${job.processInstanceKey})`;
  switch (outcome.kind) {
    case 'complete':
      return logger.debug(`${where} completed`);
    case 'error':
      return logger.log(`${where} threw BPMN error ${outcome.code}: ${outcome.message}`);
    case 'fail':
      return outcome.retries > 0
        ? logger.warn(`${where} failed, ${outcome.retries} retries left, next in ${outcome.retryBackOffMs} ms: ${outcome.message}`)
        : logger.error(`${where} failed with no retries left, raising an incident: ${outcome.message}`);
  }
}

async function withinTimeout(work: Promise<void>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([work.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
