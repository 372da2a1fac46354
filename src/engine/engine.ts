import { BpmnRuntime } from './bpmn-runtime';
import type { Clock } from './clock';
import { ManualClock, SystemClock } from './clock';
import type {
  ActivateJobsRequest,
  ActivatedJob,
  CreateInstanceRequest,
  CreateInstanceResult,
  DeployResult,
  FailJobRequest,
  InstanceResult,
  JobStreamConsumer,
  JobStreamRequest,
  ResourceInput,
  ThrowErrorRequest,
} from './commands/api';
import { applyDeployment, prepareDeployment, type PreparedResource } from './commands/deploy.command';
import { cancelInstance, createInstance, setVariables } from './commands/instance.commands';
import {
  activateJobs,
  completeJob,
  failJob,
  processDueJobs,
  resolveIncident,
  throwError,
  updateJobRetries,
  updateJobTimeout,
  yieldJobs,
} from './commands/job.commands';
import { JobDelivery } from './delivery/job-delivery';
import { ResultWaiters } from './delivery/result-waiters';
import { Rejection } from './errors';
import type { ExpressionLanguage } from './expressions';
import { createProcessorRegistry, type ProcessorRegistry } from './processors';
import type { ElementInstance } from './state/entities';
import { collectBatchWrite, restoreState } from './state/persistence';
import { EngineState } from './state/engine-state';
import type { BatchWrite, EngineStore } from './store';

export interface EngineLogger {
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

/** Called after every committed batch; the service turns it into Prometheus metrics. */
export interface EngineObserver {
  batchCommitted(stats: { commands: number; records: number; writeMs: number; processMs: number }): void;
}

export interface EngineOptions {
  store: EngineStore;
  expressions: ExpressionLanguage;
  clock?: Clock;
  /** Commands taken into one batch (one transaction). */
  maxBatchSize?: number;
  /** Queued commands beyond which requests are refused with RESOURCE_EXHAUSTED. */
  maxQueueSize?: number;
  /** Long-polling wait when a client sends requestTimeout 0. */
  defaultLongPollMs?: number;
  logger?: EngineLogger;
  observer?: EngineObserver;
}

type Command =
  | { kind: 'deploy'; resources: PreparedResource[] }
  | { kind: 'create'; request: CreateInstanceRequest; awaitResult?: { timeout: number; fetchVariables: string[] } }
  | { kind: 'cancel'; key: number }
  | { kind: 'set-variables'; key: number; variables: Record<string, unknown>; local: boolean }
  | { kind: 'activate'; request: ActivateJobsRequest; signal?: AbortSignal }
  | { kind: 'complete'; key: number; variables: Record<string, unknown> }
  | { kind: 'fail'; request: FailJobRequest }
  | { kind: 'throw'; request: ThrowErrorRequest }
  | { kind: 'retries'; key: number; retries: number }
  | { kind: 'timeout'; key: number; timeout: number }
  | { kind: 'resolve'; key: number }
  | { kind: 'tick' }
  | { kind: 'yield'; keys: number[] }
  | { kind: 'dispatch'; type: string };

interface Pending {
  command: Command;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** The reply of a command that answers later (long polling, awaiting a result). */
const DEFERRED = Symbol('deferred');

/**
 * The embedded Zeebe-compatible engine. A single writer takes queued commands in batches,
 * applies them to the in-memory state, writes the batch's net changes and records in one
 * transaction and only then answers the batch's requests and delivers its jobs.
 */
export class Engine {
  readonly state = new EngineState();
  readonly clock: Clock;
  private readonly rt: BpmnRuntime;
  private readonly processors: ProcessorRegistry;
  private readonly store: EngineStore;
  private readonly expressions: ExpressionLanguage;
  private readonly maxBatchSize: number;
  private readonly maxQueueSize: number;
  private readonly logger?: EngineLogger;
  private readonly observer?: EngineObserver;

  private queue: Pending[] = [];
  private running = false;
  private closed = false;
  private healthy = true;
  private idle: Promise<void> = Promise.resolve();

  private readonly delivery: JobDelivery;
  private readonly waiters = new ResultWaiters();
  /** Per batch: job types that got activatable jobs, and what to do once committed. */
  private activatableTypes = new Set<string>();
  private afterCommit: (() => void)[] = [];
  private wakeTimer?: NodeJS.Timeout;
  private wakeAt = Infinity;
  private unsubscribeClock?: () => void;

  private constructor(options: EngineOptions) {
    this.store = options.store;
    this.expressions = options.expressions;
    this.clock = options.clock ?? new SystemClock();
    this.maxBatchSize = options.maxBatchSize ?? 1000;
    this.maxQueueSize = options.maxQueueSize ?? 50_000;
    this.delivery = new JobDelivery(options.defaultLongPollMs ?? 10_000);
    this.logger = options.logger;
    this.observer = options.observer;
    this.processors = createProcessorRegistry();
    this.rt = new BpmnRuntime(this.state, this.clock, this.expressions, this.processors, {
      jobActivatable: (job) => this.activatableTypes.add(job.type),
      processInstanceEnded: (instance, completed) => this.instanceEnded(instance, completed),
    });
  }

  /** Loads the persisted state and starts processing. */
  static async start(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options);
    await engine.recover();
    if (engine.clock instanceof ManualClock) {
      engine.unsubscribeClock = engine.clock.onAdvance(() => engine.submitInternal({ kind: 'tick' }));
    }
    engine.submitInternal({ kind: 'tick' });
    return engine;
  }

  get isHealthy(): boolean {
    return this.healthy && !this.closed;
  }

  get queueLength(): number {
    return this.queue.length;
  }

  // --- public API (what the gRPC gateway calls) --------------------------------------

  async deploy(resources: ResourceInput[]): Promise<DeployResult> {
    const prepared = await prepareDeployment(resources, this.expressions, this.processors);
    return this.submit({ kind: 'deploy', resources: prepared }) as Promise<DeployResult>;
  }

  createProcessInstance(request: CreateInstanceRequest): Promise<CreateInstanceResult> {
    return this.submit({ kind: 'create', request }) as Promise<CreateInstanceResult>;
  }

  /** Resolves when the instance completes; rejects with DEADLINE_EXCEEDED after `timeout` ms. */
  createProcessInstanceWithResult(
    request: CreateInstanceRequest,
    timeout: number,
    fetchVariables: string[],
  ): Promise<InstanceResult> {
    return this.submit({ kind: 'create', request, awaitResult: { timeout, fetchVariables } }) as Promise<InstanceResult>;
  }

  cancelProcessInstance(key: number): Promise<void> {
    return this.submit({ kind: 'cancel', key }) as Promise<void>;
  }

  setVariables(key: number, variables: Record<string, unknown>, local: boolean): Promise<number> {
    return this.submit({ kind: 'set-variables', key, variables, local }) as Promise<number>;
  }

  /** Activates jobs; long-polls per `requestTimeout` when none are available. */
  activateJobs(request: ActivateJobsRequest, signal?: AbortSignal): Promise<ActivatedJob[]> {
    return this.submit({ kind: 'activate', request, signal }) as Promise<ActivatedJob[]>;
  }

  /** Pushes jobs of a type to the consumer as they become activatable, until closed. */
  openJobStream(request: JobStreamRequest, consumer: JobStreamConsumer): { close(): void } {
    const stream = this.delivery.openStream(request, consumer);
    // Jobs that were already waiting go to the new stream too.
    this.submitInternal({ kind: 'dispatch', type: request.type });
    return stream;
  }

  completeJob(key: number, variables: Record<string, unknown>): Promise<void> {
    return this.submit({ kind: 'complete', key, variables }) as Promise<void>;
  }

  failJob(request: FailJobRequest): Promise<void> {
    return this.submit({ kind: 'fail', request }) as Promise<void>;
  }

  throwError(request: ThrowErrorRequest): Promise<void> {
    return this.submit({ kind: 'throw', request }) as Promise<void>;
  }

  updateJobRetries(key: number, retries: number): Promise<void> {
    return this.submit({ kind: 'retries', key, retries }) as Promise<void>;
  }

  updateJobTimeout(key: number, timeout: number): Promise<void> {
    return this.submit({ kind: 'timeout', key, timeout }) as Promise<void>;
  }

  resolveIncident(key: number): Promise<void> {
    return this.submit({ kind: 'resolve', key }) as Promise<void>;
  }

  /** Stops taking commands, finishes the batch in flight and answers waiting clients. */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribeClock?.();
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    await this.idle;
    for (const pending of this.queue) pending.reject(new Rejection('UNAVAILABLE', 'Expected the engine to be running, but it is shutting down'));
    this.queue = [];
    this.delivery.releaseAll();
    this.waiters.rejectAll(new Rejection('UNAVAILABLE', 'Expected the engine to be running, but it is shutting down'));
  }

  // --- the writer --------------------------------------------------------------------

  private submit(command: Command): Promise<unknown> {
    if (this.closed) return Promise.reject(new Rejection('UNAVAILABLE', 'Expected the engine to be running, but it is shutting down'));
    if (this.queue.length >= this.maxQueueSize) {
      return Promise.reject(
        new Rejection('RESOURCE_EXHAUSTED', 'Expected to handle the request, but the engine is overloaded (backpressure); retry later'),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ command, resolve, reject });
      this.kick();
    });
  }

  private submitInternal(command: Command): void {
    if (this.closed) return;
    this.queue.push({ command, resolve: () => undefined, reject: (e) => this.logger?.warn('internal command failed', { error: String(e) }) });
    this.kick();
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    this.idle = new Promise((done) => setImmediate(() => this.loop().finally(done)));
  }

  private async loop(): Promise<void> {
    try {
      while (this.queue.length > 0 && this.healthy) {
        const batch = this.queue.splice(0, this.maxBatchSize);
        await this.processBatch(batch);
      }
    } finally {
      this.running = false;
      if (this.queue.length > 0 && this.healthy && !this.closed) this.kick();
    }
  }

  private async processBatch(batch: Pending[]): Promise<void> {
    const started = performance.now();
    const replies: [Pending, unknown][] = [];
    for (let i = 0; i < batch.length; i++) {
      const pending = batch[i];
      try {
        const reply = this.handle(pending);
        this.rt.runAgenda();
        if (reply !== DEFERRED) replies.push([pending, reply]);
      } catch (error) {
        if (error instanceof Rejection) {
          this.rt.resetAgenda();
          replies.push([pending, error]);
          continue;
        }
        // A broken invariant: the in-memory state may be half-changed. Throw it away, reload,
        // and run the batch again without the command that broke it.
        this.logger?.error('command failed with an internal error; reloading engine state', {
          command: pending.command.kind,
          error: error instanceof Error ? error.stack : String(error),
        });
        pending.reject(new Rejection('INTERNAL', `Expected to process the command, but an internal error occurred: ${String(error)}`));
        await this.abandonBatch(batch.filter((p) => p !== pending));
        return;
      }
    }
    this.dispatchJobs();
    const write = this.collectWrite();
    const processMs = performance.now() - started;
    try {
      await this.store.write(write);
    } catch (error) {
      this.logger?.error('writing a batch failed; the batch is rejected and the state reloaded', { error: String(error) });
      const unavailable = new Rejection('UNAVAILABLE', 'Expected to write the command durably, but the engine store failed; retry');
      for (const pending of batch) pending.reject(unavailable);
      await this.abandonBatch([]);
      return;
    }
    this.observer?.batchCommitted({
      commands: batch.length,
      records: write.records.length,
      writeMs: performance.now() - started - processMs,
      processMs,
    });
    for (const [pending, reply] of replies) {
      if (reply instanceof Rejection) pending.reject(reply);
      else pending.resolve(reply);
    }
    const effects = this.afterCommit;
    this.afterCommit = [];
    this.delivery.commitBatch();
    this.waiters.commitBatch();
    for (const effect of effects) effect();
    this.scheduleWake();
  }

  /** Forgets everything the batch did in memory, reloads, and queues `retry` again first. */
  private async abandonBatch(retry: Pending[]): Promise<void> {
    this.rt.resetAgenda();
    this.delivery.abandonBatch();
    this.waiters.abandonBatch();
    this.afterCommit = [];
    this.activatableTypes.clear();
    this.queue.unshift(...retry);
    await this.recoverUntilHealthy();
  }

  private handle(pending: Pending): unknown {
    const { command } = pending;
    const rt = this.rt;
    switch (command.kind) {
      case 'deploy':
        return applyDeployment(rt, command.resources);
      case 'create': {
        const instance = createInstance(rt, command.request);
        const created: CreateInstanceResult = {
          processDefinitionKey: instance.processDefinitionKey,
          bpmnProcessId: instance.bpmnProcessId,
          version: instance.version,
          processInstanceKey: instance.key,
        };
        if (!command.awaitResult) return created;
        const { timeout, fetchVariables } = command.awaitResult;
        this.waiters.add(created, timeout, fetchVariables, pending.resolve, pending.reject);
        return DEFERRED;
      }
      case 'cancel':
        return cancelInstance(rt, command.key);
      case 'set-variables':
        return setVariables(rt, command.key, command.variables, command.local);
      case 'activate':
        return this.handleActivate(pending, command.request, command.signal);
      case 'complete':
        return completeJob(rt, command.key, command.variables);
      case 'fail':
        return failJob(rt, command.request);
      case 'throw':
        return throwError(rt, command.request);
      case 'retries':
        return updateJobRetries(rt, command.key, command.retries);
      case 'timeout':
        return updateJobTimeout(rt, command.key, command.timeout);
      case 'resolve':
        return resolveIncident(rt, command.key);
      case 'tick':
        return processDueJobs(rt, this.clock.now());
      case 'yield':
        return yieldJobs(rt, command.keys);
      case 'dispatch':
        this.activatableTypes.add(command.type);
        return undefined;
    }
  }

  // --- jobs and waiting clients ----------------------------------------------------

  private handleActivate(pending: Pending, request: ActivateJobsRequest, signal?: AbortSignal): unknown {
    const { type, worker, timeout, maxJobsToActivate, fetchVariable } = request;
    const jobs = activateJobs(this.rt, type, worker, timeout, maxJobsToActivate, fetchVariable);
    if (jobs.length > 0 || request.requestTimeout < 0 || signal?.aborted) return jobs;
    this.delivery.park(request, pending.resolve, signal);
    return DEFERRED;
  }

  private dispatchJobs(): void {
    if (this.activatableTypes.size === 0) return;
    const effects = this.delivery.dispatch(this.rt, this.activatableTypes, (keys) => this.submitInternal({ kind: 'yield', keys }));
    this.afterCommit.push(...effects);
    this.activatableTypes.clear();
  }

  private instanceEnded(instance: ElementInstance, completed: boolean): void {
    const effect = this.waiters.ended(instance.key, completed, (names) => this.rt.variables.document(instance.key, names));
    if (effect) this.afterCommit.push(effect);
  }

  // --- persistence -------------------------------------------------------------------

  private collectWrite(): BatchWrite {
    return collectBatchWrite(this.state);
  }

  /** Rebuilds the in-memory state from the store (at start and after a failed batch). */
  private async recover(): Promise<void> {
    await restoreState(this.state, await this.store.load());
    for (const type of this.state.activatableByType.keys()) this.activatableTypes.add(type);
    if (this.activatableTypes.size > 0) this.submitInternal({ kind: 'tick' });
  }

  private async recoverUntilHealthy(): Promise<void> {
    this.healthy = false;
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await this.recover();
        this.healthy = true;
        return;
      } catch (error) {
        this.logger?.error('engine recovery failed; retrying', { attempt, error: String(error) });
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** attempt)));
      }
    }
  }

  /** Arms one timer for the earliest job deadline or backoff (and, later, BPMN timers). */
  private scheduleWake(): void {
    if (this.closed || this.clock instanceof ManualClock) return;
    const due = Math.min(this.state.jobDeadlines.peekDue() ?? Infinity, this.state.jobBackoffs.peekDue() ?? Infinity);
    if (due === Infinity || due >= this.wakeAt) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = due;
    this.wakeTimer = setTimeout(() => {
      this.wakeAt = Infinity;
      this.wakeTimer = undefined;
      this.submitInternal({ kind: 'tick' });
    }, Math.max(0, due - this.clock.now()));
  }
}
