import type { BpmnRuntime } from '../bpmn-runtime';
import type { ActivateJobsRequest, ActivatedJob, JobStreamConsumer, JobStreamRequest } from '../commands/api';
import { activateJobs, type ActivationLimits } from '../commands/job.commands';

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

/**
 * Who is waiting for jobs: long-polling ActivateJobs requests and open job streams. Jobs are
 * activated inside the batch that made them activatable and handed over after its commit.
 */
export class JobDelivery {
  private readonly pollers = new Map<string, Poller[]>();
  private readonly streams = new Map<string, Stream[]>();
  /** Pollers parked by the batch in progress, forgotten if that batch is abandoned. */
  private batchPollers: Poller[] = [];
  /** Per job type: which open stream gets the next pushed job. */
  private readonly streamCursor = new Map<string, number>();

  /** A poll's answer is one message; a stream sends each job as a message of its own. */
  private readonly pollLimits: ActivationLimits;
  private readonly streamLimits: ActivationLimits;

  constructor(
    private readonly defaultLongPollMs: number,
    maxMessageSize: number,
  ) {
    this.pollLimits = { messageBytes: maxMessageSize, batchBytes: maxMessageSize };
    this.streamLimits = { messageBytes: maxMessageSize, batchBytes: Infinity };
  }

  /** Parks a request that found no job until one arrives or its wait ends (answered with none). */
  park(request: ActivateJobsRequest, resolve: (jobs: ActivatedJob[]) => void, signal?: AbortSignal): void {
    const poller: Poller = { request, resolve, done: false };
    const wait = request.requestTimeout > 0 ? request.requestTimeout : this.defaultLongPollMs;
    poller.timer = setTimeout(() => this.finish(poller, []), wait);
    signal?.addEventListener('abort', () => this.finish(poller, []), { once: true });
    const list = this.pollers.get(request.type) ?? [];
    list.push(poller);
    this.pollers.set(request.type, list);
    this.batchPollers.push(poller);
  }

  openStream(request: JobStreamRequest, consumer: JobStreamConsumer): { close(): void } {
    const stream: Stream = { request, consumer, open: true };
    const list = this.streams.get(request.type) ?? [];
    list.push(stream);
    this.streams.set(request.type, list);
    return {
      close: () => {
        stream.open = false;
        const remaining = (this.streams.get(request.type) ?? []).filter((s) => s !== stream);
        if (remaining.length > 0) this.streams.set(request.type, remaining);
        else this.streams.delete(request.type);
      },
    };
  }

  /**
   * Activates the activatable jobs of the given types for open streams first (shared round
   * robin), then for parked polls, oldest first. Returns what to do once the batch is durable;
   * `undelivered` receives keys of jobs a vanished stream could not take.
   */
  dispatch(rt: BpmnRuntime, types: Iterable<string>, undelivered: (keys: number[]) => void): (() => void)[] {
    const effects: (() => void)[] = [];
    for (const type of types) {
      const available = () => rt.state.activatableByType.get(type)?.size ?? 0;
      const streams = (this.streams.get(type) ?? []).filter((s) => s.open);
      if (streams.length > 0) {
        // Round robin over the open streams, continued across batches; each stream's share
        // is activated at once (one JOB_BATCH record per stream and batch).
        const shares = new Array<number>(streams.length).fill(0);
        let cursor = this.streamCursor.get(type) ?? 0;
        for (let n = available(); n > 0; n--) shares[cursor++ % streams.length]++;
        this.streamCursor.set(type, cursor % streams.length);
        streams.forEach((stream, i) => {
          if (shares[i] === 0) return;
          const { worker, timeout, fetchVariable } = stream.request;
          const jobs = activateJobs(rt, type, worker, timeout, shares[i], fetchVariable, this.streamLimits);
          effects.push(() => {
            const lost = jobs.filter((job) => !stream.open || !stream.consumer.push(job)).map((job) => job.key);
            if (lost.length > 0) undelivered(lost);
          });
        });
      }
      const pollers = this.pollers.get(type);
      while (pollers && pollers.length > 0 && available() > 0) {
        const poller = pollers.shift()!;
        if (poller.done) continue;
        const { worker, timeout, maxJobsToActivate, fetchVariable } = poller.request;
        const jobs = activateJobs(rt, type, worker, timeout, maxJobsToActivate, fetchVariable, this.pollLimits);
        // Claimed now, so that its timer cannot answer "no jobs" while the batch commits.
        poller.done = true;
        if (poller.timer) clearTimeout(poller.timer);
        effects.push(() => poller.resolve(jobs));
      }
      if (pollers && pollers.length === 0) this.pollers.delete(type);
    }
    return effects;
  }

  /** Starts collecting the polls parked by a new batch; pass the result to `abandon` if it fails. */
  beginBatch(): readonly unknown[] {
    this.batchPollers = [];
    return this.batchPollers;
  }

  /** The batch was abandoned: its parked polls are dropped (their commands were refused or are retried). */
  abandon(parked: readonly unknown[]): void {
    for (const poller of parked as Poller[]) {
      poller.done = true;
      if (poller.timer) clearTimeout(poller.timer);
      this.remove(poller);
    }
  }

  /** Answers every parked poll with no jobs (shutdown). */
  releaseAll(): void {
    for (const list of [...this.pollers.values()]) for (const poller of [...list]) this.finish(poller, []);
    this.pollers.clear();
  }

  private finish(poller: Poller, jobs: ActivatedJob[]): void {
    if (poller.done) return;
    poller.done = true;
    if (poller.timer) clearTimeout(poller.timer);
    this.remove(poller);
    poller.resolve(jobs);
  }

  private remove(poller: Poller): void {
    const list = this.pollers.get(poller.request.type);
    if (!list) return;
    const index = list.indexOf(poller);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.pollers.delete(poller.request.type);
  }
}
