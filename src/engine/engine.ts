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
import { Rejection } from './errors';
import type { ExpressionLanguage } from './expressions';
import { parseBpmn } from './model/parse-bpmn';
import { createProcessorRegistry, type ProcessorRegistry } from './processors';
import type { ElementInstance, Job } from './state/entities';
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

interface Poller {
  request: ActivateJobsRequest;
  resolve(jobs: ActivatedJob[]): void;
  timer?: NodeJS.Timeout;
  done: boolean;
}

interface Stream {
  request: JobStreamRequest;
  consumer: JobStreamConsumer;
  open: boolean;
}

interface ResultWaiter {
  fetchVariables: string[];
  created: CreateInstanceResult;
  resolve(result: InstanceResult): void;
  reject(error: unknown): void;
  timer?: NodeJS.Timeout;
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
  private readonly defaultLongPollMs: number;
  private readonly logger?: EngineLogger;
  private readonly observer?: EngineObserver;

  private queue: Pending[] = [];
  private running = false;
  private closed = false;
  private healthy = true;
  private idle: Promise<void> = Promise.resolve();

  private readonly pollers = new Map<string, Poller[]>();
  private readonly streams = new Map<string, Stream[]>();
  private readonly waiters = new Map<number, ResultWaiter>();
  /** Per batch: job types that got activatable jobs, and what to do once committed. */
  private activatableTypes = new Set<string>();
  private afterCommit: (() => void)[] = [];
  private batchPollers: Poller[] = [];
  private batchWaiters: number[] = [];
  private wakeTimer?: NodeJS.Timeout;
  private wakeAt = Infinity;
  private unsubscribeClock?: () => void;

  private constructor(options: EngineOptions) {
    this.store = options.store;
    this.expressions = options.expressions;
    this.clock = options.clock ?? new SystemClock();
    this.maxBatchSize = options.maxBatchSize ?? 1000;
    this.maxQueueSize = options.maxQueueSize ?? 50_000;
    this.defaultLongPollMs = options.defaultLongPollMs ?? 10_000;
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
    const stream: Stream = { request, consumer, open: true };
    const list = this.streams.get(request.type) ?? [];
    list.push(stream);
    this.streams.set(request.type, list);
    this.submitInternal({ kind: 'dispatch', type: request.type });
    return {
      close: () => {
        stream.open = false;
        const remaining = (this.streams.get(request.type) ?? []).filter((s) => s !== stream);
        if (remaining.length > 0) this.streams.set(request.type, remaining);
        else this.streams.delete(request.type);
      },
    };
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
    for (const list of this.pollers.values()) for (const poller of list) this.finishPoller(poller, []);
    this.pollers.clear();
    for (const waiter of this.waiters.values()) {
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.reject(new Rejection('UNAVAILABLE', 'Expected the engine to be running, but it is shutting down'));
    }
    this.waiters.clear();
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
    this.batchPollers = [];
    this.batchWaiters = [];
    for (const effect of effects) effect();
    this.scheduleWake();
  }

  /** Forgets everything the batch did in memory, reloads, and queues `retry` again first. */
  private async abandonBatch(retry: Pending[]): Promise<void> {
    this.rt.resetAgenda();
    for (const poller of this.batchPollers) this.removePoller(poller);
    for (const key of this.batchWaiters) {
      const waiter = this.waiters.get(key);
      if (waiter?.timer) clearTimeout(waiter.timer);
      this.waiters.delete(key);
    }
    this.batchPollers = [];
    this.batchWaiters = [];
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
        this.awaitResult(pending, created, command.awaitResult);
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

  // --- jobs: long polling and streams ------------------------------------------------

  private handleActivate(pending: Pending, request: ActivateJobsRequest, signal?: AbortSignal): unknown {
    const jobs = activateJobs(this.rt, request.type, request.worker, request.timeout, request.maxJobsToActivate, request.fetchVariable);
    if (jobs.length > 0 || request.requestTimeout < 0) return jobs;
    if (signal?.aborted) return [];
    const poller: Poller = { request, resolve: (value) => pending.resolve(value), done: false };
    const wait = request.requestTimeout > 0 ? request.requestTimeout : this.defaultLongPollMs;
    poller.timer = setTimeout(() => this.finishPoller(poller, []), wait);
    signal?.addEventListener('abort', () => this.finishPoller(poller, []), { once: true });
    const list = this.pollers.get(request.type) ?? [];
    list.push(poller);
    this.pollers.set(request.type, list);
    this.batchPollers.push(poller);
    return DEFERRED;
  }

  private finishPoller(poller: Poller, jobs: ActivatedJob[]): void {
    if (poller.done) return;
    poller.done = true;
    if (poller.timer) clearTimeout(poller.timer);
    this.removePoller(poller);
    poller.resolve(jobs);
  }

  private removePoller(poller: Poller): void {
    const list = this.pollers.get(poller.request.type);
    if (!list) return;
    const index = list.indexOf(poller);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.pollers.delete(poller.request.type);
  }

  /**
   * Hands the batch's newly activatable jobs to open streams first (round robin), then to
   * waiting long polls. Activation is part of the batch; delivery happens after the commit.
   */
  private dispatchJobs(): void {
    if (this.activatableTypes.size === 0) return;
    for (const type of this.activatableTypes) {
      const available = () => this.state.activatableByType.get(type)?.size ?? 0;
      const streams = (this.streams.get(type) ?? []).filter((s) => s.open);
      if (streams.length > 0) {
        const share = Math.ceil(available() / streams.length);
        for (const stream of streams) {
          if (available() === 0) break;
          const { worker, timeout, fetchVariable } = stream.request;
          const jobs = activateJobs(this.rt, type, worker, timeout, share, fetchVariable);
          this.afterCommit.push(() => this.pushToStream(stream, jobs));
        }
      }
      const pollers = this.pollers.get(type);
      while (pollers && pollers.length > 0 && available() > 0) {
        const poller = pollers[0];
        if (poller.done) {
          pollers.shift();
          continue;
        }
        const { worker, timeout, maxJobsToActivate, fetchVariable } = poller.request;
        const jobs = activateJobs(this.rt, type, worker, timeout, maxJobsToActivate, fetchVariable);
        // Claimed now so that its timer cannot answer empty while the batch commits.
        poller.done = true;
        if (poller.timer) clearTimeout(poller.timer);
        pollers.shift();
        this.afterCommit.push(() => poller.resolve(jobs));
      }
      if (pollers && pollers.length === 0) this.pollers.delete(type);
    }
    this.activatableTypes.clear();
  }

  private pushToStream(stream: Stream, jobs: ActivatedJob[]): void {
    const undelivered: number[] = [];
    for (const job of jobs) {
      if (!stream.open || !stream.consumer.push(job)) undelivered.push(job.key);
    }
    if (undelivered.length > 0) this.submitInternal({ kind: 'yield', keys: undelivered });
  }

  // --- awaiting results --------------------------------------------------------------

  private awaitResult(pending: Pending, created: CreateInstanceResult, options: { timeout: number; fetchVariables: string[] }): void {
    const waiter: ResultWaiter = {
      fetchVariables: options.fetchVariables,
      created,
      resolve: (result) => pending.resolve(result),
      reject: (error) => pending.reject(error),
    };
    if (options.timeout > 0) {
      waiter.timer = setTimeout(() => {
        this.waiters.delete(created.processInstanceKey);
        waiter.reject(
          new Rejection(
            'DEADLINE_EXCEEDED',
            `Expected to receive the result of process instance '${created.processInstanceKey}' within ${options.timeout} ms, but it has not completed yet`,
          ),
        );
      }, options.timeout);
    }
    this.waiters.set(created.processInstanceKey, waiter);
    this.batchWaiters.push(created.processInstanceKey);
  }

  private instanceEnded(instance: ElementInstance, completed: boolean): void {
    const waiter = this.waiters.get(instance.key);
    if (!waiter) return;
    this.waiters.delete(instance.key);
    if (waiter.timer) clearTimeout(waiter.timer);
    if (completed) {
      const variables = this.rt.variables.document(instance.key, waiter.fetchVariables);
      this.afterCommit.push(() => waiter.resolve({ ...waiter.created, variables }));
    } else {
      this.afterCommit.push(() =>
        waiter.reject(
          new Rejection(
            'FAILED_PRECONDITION',
            `Expected the process instance '${instance.key}' to complete, but it was terminated`,
          ),
        ),
      );
    }
  }

  // --- persistence -------------------------------------------------------------------

  private collectWrite(): BatchWrite {
    const state = this.state;
    const definitions = state.newDefinitions.map(({ model: _model, ...stored }) => stored);
    state.newDefinitions = [];
    return {
      definitions,
      tables: state.tables.map((table) => {
        const changes = table.flush();
        return {
          table: table.name,
          upserts: changes.upserts.map((row) => ({
            key: row.key,
            processInstanceKey: (row as { processInstanceKey?: number }).processInstanceKey ?? -1,
            data: row,
          })),
          deletes: changes.deletes,
        };
      }),
      variables: state.variables.flush(),
      records: state.log.drain(),
      lastKey: state.keys.current,
      lastPosition: state.log.position,
    };
  }

  /** Rebuilds the in-memory state from the store (at start and after a failed batch). */
  private async recover(): Promise<void> {
    const loaded = await this.store.load();
    const state = this.state;
    state.clear();
    for (const stored of loaded.definitions) {
      const { processes } = await parseBpmn(stored.resource, { checkExpression: () => null });
      const model = processes.find((p) => p.bpmnProcessId === stored.bpmnProcessId);
      if (!model) throw new Error(`Stored definition ${stored.key} no longer contains process '${stored.bpmnProcessId}'`);
      state.addDefinition({ ...stored, model }, false);
    }
    for (const row of loaded.tables.get('element_instance') ?? []) state.elements.load(row as ElementInstance);
    for (const row of loaded.tables.get('job') ?? []) state.jobs.load(row as Job);
    for (const row of loaded.tables.get('incident') ?? []) state.incidents.load(row as never);
    for (const row of loaded.variables) state.variables.load(row);
    state.keys.restore(loaded.lastKey);
    state.log.restore(loaded.lastPosition);
    state.rebuildIndexes();
    for (const type of state.activatableByType.keys()) this.activatableTypes.add(type);
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
