import { Rejection } from './errors';
import type { BatchWrite, EngineStore } from './store';

export interface Pending<C> {
  command: C;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** A batch applied to the in-memory state, waiting to be written. */
export interface PreparedBatch<C> {
  pendings: Pending<C>[];
  /** Answers for the batch's commands (a Rejection to reject), delivered after the commit. */
  replies: [Pending<C>, unknown][];
  write: BatchWrite;
  /** Job pushes, long-poll answers, awaited results: run in order after the commit. */
  effects: (() => void)[];
  /** Undoes what the batch registered outside the state (parked polls, result waiters). */
  abandon(): void;
  processMs: number;
}

/** Thrown by `prepare` when a command broke an invariant: the state must be reloaded. */
export class BrokenBatch<C> extends Error {
  constructor(
    readonly culprit: Pending<C>,
    readonly untouched: Pending<C>[],
    override readonly cause: unknown,
  ) {
    super(`A command broke an engine invariant: ${String(cause)}`);
  }
}

export interface PipelineOptions<C> {
  store: EngineStore;
  maxBatchSize: number;
  maxQueueSize: number;
  /** Batches written concurrently with the processing of the next one (1 = no overlap). */
  maxInflightWrites: number;
  prepare(batch: Pending<C>[]): PreparedBatch<C>;
  /** Reloads the in-memory state from the store. */
  recover(): Promise<void>;
  committed(batch: PreparedBatch<C>, writeMs: number): void;
  onError(message: string, error: unknown): void;
}

const SHUTTING_DOWN = 'Expected the engine to be running, but it is shutting down';

/**
 * The single writer. Commands queue up; each loop turn takes a batch, applies it in memory
 * and hands its net changes to the store — while that write is in flight the next batch is
 * already being processed. Writes are chained, so batch N+1 commits only after batch N; a
 * batch is acknowledged only once its own write committed. A failed write fails every batch
 * after it and the state is reloaded from the store.
 */
export class CommandPipeline<C> {
  private queue: Pending<C>[] = [];
  private running = false;
  private closed = false;
  private healthy = true;
  private failed = false;
  private idle: Promise<void> = Promise.resolve();
  private inflight: Promise<void>[] = [];
  private lastWrite: Promise<void> = Promise.resolve();

  constructor(private readonly options: PipelineOptions<C>) {}

  get isHealthy(): boolean {
    return this.healthy && !this.closed;
  }

  get queueLength(): number {
    return this.queue.length;
  }

  submit(command: C): Promise<unknown> {
    if (this.closed) return Promise.reject(new Rejection('UNAVAILABLE', SHUTTING_DOWN));
    if (this.queue.length >= this.options.maxQueueSize) {
      return Promise.reject(new Rejection('RESOURCE_EXHAUSTED', 'Reached maximum capacity of requests handled'));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ command, resolve, reject });
      this.kick();
    });
  }

  /** Commands of the engine itself (timers due, yields): never refused for backpressure. */
  submitInternal(command: C, onError: (error: unknown) => void): void {
    if (this.closed) return;
    this.queue.push({ command, resolve: () => undefined, reject: onError });
    this.kick();
  }

  /** Stops taking commands, waits for the batches in flight and refuses what is still queued. */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle;
    await Promise.allSettled(this.inflight);
    const unavailable = new Rejection('UNAVAILABLE', SHUTTING_DOWN);
    for (const pending of this.queue) pending.reject(unavailable);
    this.queue = [];
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    this.idle = new Promise((done) => setImmediate(() => this.loop().finally(done)));
  }

  private async loop(): Promise<void> {
    try {
      while (this.queue.length > 0 && this.healthy && !this.failed) {
        if (this.inflight.length >= this.options.maxInflightWrites) {
          await this.inflight[0].catch(() => undefined);
          continue;
        }
        const batch = this.queue.splice(0, this.options.maxBatchSize);
        let prepared: PreparedBatch<C>;
        try {
          prepared = this.options.prepare(batch);
        } catch (error) {
          if (!(error instanceof BrokenBatch)) throw error;
          this.options.onError('a command broke an engine invariant; reloading the engine state', error.cause);
          error.culprit.reject(new Rejection('INTERNAL', `Expected to process the command without errors, but: ${String(error.cause)}`));
          this.queue.unshift(...error.untouched);
          await this.reload();
          continue;
        }
        this.startWrite(prepared);
      }
      if (this.failed) await this.reload();
    } finally {
      this.running = false;
      if (this.queue.length > 0 && this.healthy && !this.closed) this.kick();
    }
  }

  private startWrite(batch: PreparedBatch<C>): void {
    const previous = this.lastWrite;
    const started = performance.now();
    const write = (async () => {
      // A batch is built on the state its predecessors left: if one of them failed, so does it.
      await previous;
      await this.options.store.write(batch.write);
    })();
    this.lastWrite = write;
    const settled = write.then(
      () => {
        this.options.committed(batch, performance.now() - started);
        for (const [pending, reply] of batch.replies) {
          if (reply instanceof Rejection) pending.reject(reply);
          else pending.resolve(reply);
        }
        for (const effect of batch.effects) effect();
      },
      (error) => {
        if (!this.failed) this.options.onError('writing a batch failed; its commands are refused and the state reloaded', error);
        this.failed = true;
        batch.abandon();
        const unavailable = new Rejection('UNAVAILABLE', 'Expected to write the command durably, but the engine store failed; retry');
        for (const pending of batch.pendings) pending.reject(unavailable);
      },
    );
    this.inflight.push(settled);
    void settled.finally(() => {
      this.inflight.splice(this.inflight.indexOf(settled), 1);
      if (this.failed && !this.running) this.kick();
    });
  }

  /** Waits for the writes in flight, then reloads the state until the store answers. */
  private async reload(): Promise<void> {
    await Promise.allSettled(this.inflight);
    this.healthy = false;
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await this.options.recover();
        this.failed = false;
        this.lastWrite = Promise.resolve();
        this.healthy = true;
        return;
      } catch (error) {
        this.options.onError(`engine recovery failed (attempt ${attempt + 1}); retrying`, error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 100 * 2 ** attempt)));
      }
    }
  }
}
