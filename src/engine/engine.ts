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
  DEFAULT_MAX_MESSAGE_SIZE,
  failJob,
  processDueJobs,
  resolveIncident,
  throwError,
  updateJobRetries,
  updateJobTimeout,
  yieldJobs,
} from './commands/job.commands';
import type { PublishRequest } from './behaviors/event-trigger.behavior';
import { JobDelivery } from './delivery/job-delivery';
import { ResultWaiters } from './delivery/result-waiters';
import { Rejection } from './errors';
import type { ExpressionLanguage } from './expressions';
import { BrokenBatch, CommandPipeline, type Pending, type PreparedBatch } from './pipeline';
import { createProcessorRegistry, type ProcessorRegistry } from './processors';
import type { ElementInstance } from './state/entities';
import { EngineState } from './state/engine-state';
import { collectBatchWrite, restoreState } from './state/persistence';
import type { EngineStore } from './store';

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
  /** Batches being written while the next one is processed. */
  maxInflightWrites?: number;
  /** Long-polling wait when a client sends requestTimeout 0. */
  defaultLongPollMs?: number;
  /** The gateway's maximum message size, bytes: bounds each job batch (default 4 MiB, Zeebe's). */
  maxMessageSize?: number;
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
  | { kind: 'publish'; request: PublishRequest }
  | { kind: 'signal'; name: string; variables: Record<string, unknown> }
  | { kind: 'tick' }
  | { kind: 'yield'; keys: number[] }
  | { kind: 'dispatch'; type: string };

/** The reply of a command that answers later (long polling, awaiting a result). */
const DEFERRED = Symbol('deferred');

/**
 * The embedded Zeebe-compatible engine: the commands of the Zeebe gateway protocol, applied
 * by a single writer (see CommandPipeline) to the in-memory state, written durably in batches
 * and only then acknowledged.
 */
export class Engine {
  readonly state = new EngineState();
  readonly clock: Clock;
  private readonly rt: BpmnRuntime;
  private readonly processors: ProcessorRegistry;
  private readonly store: EngineStore;
  private readonly expressions: ExpressionLanguage;
  private readonly logger?: EngineLogger;
  private readonly observer?: EngineObserver;
  private readonly pipeline: CommandPipeline<Command>;
  private readonly delivery: JobDelivery;
  private readonly waiters = new ResultWaiters();
  private readonly maxMessageSize: number;

  /** Per batch in progress: job types with new activatable jobs, and what to run after its commit. */
  private activatableTypes = new Set<string>();
  private afterCommit: (() => void)[] = [];
  private wakeTimer?: NodeJS.Timeout;
  private wakeAt = Infinity;
  private unsubscribeClock?: () => void;
  private closed = false;
  private tickQueued = false;

  private constructor(options: EngineOptions) {
    this.store = options.store;
    this.expressions = options.expressions;
    this.clock = options.clock ?? new SystemClock();
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.delivery = new JobDelivery(options.defaultLongPollMs ?? 10_000, this.maxMessageSize);
    this.logger = options.logger;
    this.observer = options.observer;
    this.processors = createProcessorRegistry();
    this.rt = new BpmnRuntime(this.state, this.clock, this.expressions, this.processors, {
      jobActivatable: (job) => this.activatableTypes.add(job.type),
      processInstanceEnded: (instance, completed) => this.instanceEnded(instance, completed),
    });
    this.pipeline = new CommandPipeline<Command>({
      store: this.store,
      maxBatchSize: options.maxBatchSize ?? 2000,
      maxQueueSize: options.maxQueueSize ?? 50_000,
      maxInflightWrites: options.maxInflightWrites ?? 2,
      prepare: (batch) => this.prepare(batch),
      recover: () => this.recover(),
      committed: (batch, writeMs) => this.committed(batch, writeMs),
      onError: (message, error) =>
        this.logger?.error(message, { error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    });
  }

  /** Loads the persisted state and starts processing. */
  static async start(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options);
    await engine.recover();
    if (engine.clock instanceof ManualClock) {
      engine.unsubscribeClock = engine.clock.onAdvance(() => engine.internal({ kind: 'tick' }));
    }
    engine.internal({ kind: 'tick' });
    return engine;
  }

  get isHealthy(): boolean {
    return this.pipeline.isHealthy;
  }

  get queueLength(): number {
    return this.pipeline.queueLength;
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
  createProcessInstanceWithResult(request: CreateInstanceRequest, timeout: number, fetchVariables: string[]): Promise<InstanceResult> {
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
    this.internal({ kind: 'dispatch', type: request.type });
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

  /** Correlates a message to waiting instances and message start events; resolves with its key. */
  publishMessage(request: PublishRequest): Promise<number> {
    return this.submit({ kind: 'publish', request }) as Promise<number>;
  }

  /** Triggers every subscription to the signal and its signal start events; resolves with its key. */
  broadcastSignal(name: string, variables: Record<string, unknown>): Promise<number> {
    return this.submit({ kind: 'signal', name, variables }) as Promise<number>;
  }

  /** Stops taking commands, finishes the batches in flight and answers waiting clients. */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribeClock?.();
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    await this.pipeline.close();
    this.delivery.releaseAll();
    this.waiters.rejectAll(new Rejection('UNAVAILABLE', 'Expected the engine to be running, but it is shutting down'));
  }

  // --- processing --------------------------------------------------------------------

  private submit(command: Command): Promise<unknown> {
    return this.pipeline.submit(command);
  }

  private internal(command: Command): void {
    if (this.closed) return;
    this.pipeline.submitInternal(command, (error) => this.logger?.warn('internal command refused', { error: String(error) }));
  }

  /** Applies a batch to the in-memory state and collects its write, replies and effects. */
  private prepare(batch: Pending<Command>[]): PreparedBatch<Command> {
    const started = performance.now();
    const replies: [Pending<Command>, unknown][] = [];
    const parked = this.delivery.beginBatch();
    const waiting = this.waiters.beginBatch();
    const abandon = () => {
      this.delivery.abandon(parked);
      this.waiters.abandon(waiting);
    };
    for (const pending of batch) {
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
        this.rt.resetAgenda();
        this.afterCommit = [];
        this.activatableTypes.clear();
        abandon();
        throw new BrokenBatch(pending, batch.filter((p) => p !== pending), error);
      }
    }
    this.dispatchJobs();
    const effects = this.afterCommit;
    this.afterCommit = [];
    return { pendings: batch, replies, write: collectBatchWrite(this.state), effects, abandon, processMs: performance.now() - started };
  }

  private committed(batch: PreparedBatch<Command>, writeMs: number): void {
    this.observer?.batchCommitted({ commands: batch.pendings.length, records: batch.write.records.length, writeMs, processMs: batch.processMs });
    this.scheduleWake();
  }

  private handle(pending: Pending<Command>): unknown {
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
        return this.activate(pending, command.request, command.signal);
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
      case 'publish':
        return rt.events.publish(command.request);
      case 'signal':
        return rt.events.broadcastSignal(command.name, command.variables);
      case 'tick': {
        this.tickQueued = false;
        const now = this.clock.now();
        processDueJobs(rt, now);
        rt.events.fireTimers(now);
        rt.events.expireMessages(now);
        return undefined;
      }
      case 'yield':
        return yieldJobs(rt, command.keys);
      case 'dispatch':
        this.activatableTypes.add(command.type);
        return undefined;
    }
  }

  // --- jobs and waiting clients ----------------------------------------------------

  private activate(pending: Pending<Command>, request: ActivateJobsRequest, signal?: AbortSignal): unknown {
    const { type, worker, timeout, maxJobsToActivate, fetchVariable } = request;
    const limits = { messageBytes: this.maxMessageSize, batchBytes: this.maxMessageSize };
    const jobs = activateJobs(this.rt, type, worker, timeout, maxJobsToActivate, fetchVariable, limits);
    if (jobs.length > 0 || request.requestTimeout < 0 || signal?.aborted) return jobs;
    this.delivery.park(request, pending.resolve, signal);
    return DEFERRED;
  }

  private dispatchJobs(): void {
    if (this.activatableTypes.size === 0) return;
    const effects = this.delivery.dispatch(this.rt, this.activatableTypes, (keys) => this.internal({ kind: 'yield', keys }));
    this.afterCommit.push(...effects);
    this.activatableTypes.clear();
  }

  private instanceEnded(instance: ElementInstance, completed: boolean): void {
    const effect = this.waiters.ended(instance.key, completed, (names) => this.rt.variables.document(instance.key, names));
    if (effect) this.afterCommit.push(effect);
  }

  // --- recovery and time -------------------------------------------------------------

  /** Rebuilds the in-memory state from the store (at start and after a failed batch). */
  private async recover(): Promise<void> {
    await restoreState(this.state, await this.store.load());
    this.rt.resetAgenda();
    for (const type of this.state.activatableByType.keys()) this.activatableTypes.add(type);
    if (this.activatableTypes.size > 0) this.internal({ kind: 'tick' });
  }

  /** Arms one timer for the earliest job deadline, backoff, BPMN timer or message expiry. */
  private scheduleWake(): void {
    if (this.closed) return;
    const { jobDeadlines, jobBackoffs, timers, messageDeadlines } = this.state;
    const due = Math.min(
      jobDeadlines.peekDue() ?? Infinity,
      jobBackoffs.peekDue() ?? Infinity,
      timers.peekDue() ?? Infinity,
      messageDeadlines.peekDue() ?? Infinity,
    );
    // A manual clock moves only when told to, but something may already be due (a past date).
    if (this.clock instanceof ManualClock) {
      if (due <= this.clock.now() && !this.tickQueued) {
        this.tickQueued = true;
        this.internal({ kind: 'tick' });
      }
      return;
    }
    if (due === Infinity || due >= this.wakeAt) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = due;
    this.wakeTimer = setTimeout(() => {
      this.wakeAt = Infinity;
      this.wakeTimer = undefined;
      this.internal({ kind: 'tick' });
    }, Math.max(0, due - this.clock.now()));
  }
}
