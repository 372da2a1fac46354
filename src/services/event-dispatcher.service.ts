import { setMaxListeners } from 'node:events';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { AppConfig } from '../config';
import { type BpmnMessage, EventOutboxRepository, MessagePublisherRepository, MetricsRepository, type OutboxEvent, type RoutingOutcome } from '../repositories';
import { MessageRoutingTableService } from './message-routing-table.service';

export interface EventDispatcherOptions {
  /** Events claimed per round (one transaction). */
  readonly batchSize: number;
  /** Publish calls in flight at most. */
  readonly concurrency: number;
  /** How long a publish may take before it counts as failed for this round. */
  readonly publishTimeoutMs: number;
  /** How often to look for due events when nobody nudged. */
  readonly pollIntervalMs: number;
  /** Retry backoff: base × 2^attempts, capped. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

export const DEFAULT_DISPATCHER_OPTIONS: EventDispatcherOptions = {
  batchSize: 512,
  concurrency: 128,
  publishTimeoutMs: 10_000,
  pollIntervalMs: 1_000,
  retryBaseMs: 1_000,
  retryMaxMs: 300_000,
};

/** Correlation key of a Ghost profile's events: its anonymous id, in a namespace of its own. */
export const ANONYMOUS_KEY_PREFIX = 'anonymous:';

/**
 * Turns stored events into BPMN messages: name = event type, correlation key = the customer's
 * external id (looked up when publishing, so events of a Ghost profile merged since then go to
 * the customer), message id = `source/eventId` (Zeebe drops a second publish of an id it still
 * buffers), time to live = EVENT_MESSAGE_TTL_MS, variables = the properties plus `type`,
 * `eventId`, `occurredAt`, `customerId` (or `anonymousId`) and, when given, `channel`, `revenue`,
 * `currency` — those win over properties of the same name.
 *
 * Ingestion never waits for this: events are committed first (the event table is the outbox),
 * then the dispatcher is nudged. It runs in processes with the `api` component, in rounds (see
 * EventOutboxRepository), with at most `concurrency` publishes in flight. Within a round, the
 * events of one customer are published one after the other, in order; when one must be retried,
 * the customer's later events wait for it. Retries back off exponentially per event; a restart
 * picks up whatever is due, since the state is only in PostgreSQL. Event types no deployed
 * journey catches are skipped (see MessageRoutingTableService).
 */
@Injectable()
export class EventDispatcherService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EventDispatcherService.name);
  private readonly options: EventDispatcherOptions = DEFAULT_DISPATCHER_OPTIONS;
  private readonly outcomes: Counter<'outcome'>;
  private loop: Promise<void> | undefined;
  private running = false;
  private wake: (() => void) | undefined;
  private nudged = false;
  private lastError: string | undefined;
  private stopping = new AbortController();
  /** Why a publish of the current round must be retried, if one must. */
  private roundError: string | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly outbox: EventOutboxRepository,
    private readonly publisher: MessagePublisherRepository,
    private readonly routing: MessageRoutingTableService,
    metrics: MetricsRepository,
  ) {
    this.outcomes = metrics.counter({
      name: 'travesia_event_messages_total',
      help: 'Customer events handled by the message dispatcher, by outcome (published, skipped, failed, retry).',
      labelNames: ['outcome'],
    });
    metrics.gauge({
      name: 'travesia_event_outbox_backlog',
      help: 'Stored customer events whose BPMN message is not published yet.',
      collect: async function (this: { set(value: number): void }) {
        this.set(await outbox.backlog().catch(() => Number.NaN));
      },
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.runs('api')) this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    // Every publish in flight listens to it (and stops listening when it settles).
    setMaxListeners(0, this.stopping.signal);
    this.loop = this.run();
  }

  /**
   * Ends the current round at once: publishes still waiting for the engine count as to be
   * retried, and the round commits. What is left is picked up at the next start.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /** New events were committed: look for them now rather than at the next poll. */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** One round: claims due events, routes them, records the outcomes. Resolves with how many were claimed. */
  dispatchOnce(): Promise<number> {
    return this.outbox.dispatch(this.options.batchSize, (events) => this.route(events));
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.nudged = false;
      let claimed = 0;
      try {
        await this.whileTooManyInFlight();
        if (!this.running) break;
        this.roundError = undefined;
        claimed = await this.dispatchOnce();
        if (this.roundError) this.warnOnce(`event messages cannot be published now, retrying with backoff: ${this.roundError}`);
        else if (claimed > 0 && this.lastError) {
          this.logger.log('event messages are being published again');
          this.lastError = undefined;
        }
      } catch (error) {
        this.warnOnce(`could not dispatch event messages: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (this.running && claimed < this.options.batchSize && !this.nudged) await this.sleep(this.options.pollIntervalMs);
    }
  }

  private async route(events: OutboxEvent[]): Promise<RoutingOutcome[]> {
    const outcomes = new Map<string, RoutingOutcome>();
    const queue = [...groupByCorrelationKey(events).values()];
    const worker = async () => {
      for (let group = queue.shift(); group; group = queue.shift()) {
        let blocked: Date | undefined;
        for (const event of group) {
          if (blocked) {
            outcomes.set(event.id, { id: event.id, state: 'retry', retryAt: blocked, attempted: false, error: 'waits for an earlier event of the customer' });
          } else if (!this.routing.isRouted(event.type)) {
            outcomes.set(event.id, { id: event.id, state: 'skipped' });
          } else {
            const outcome = await this.publish(event);
            outcomes.set(event.id, outcome);
            if (outcome.state === 'retry') blocked = outcome.retryAt;
          }
          this.outcomes.inc({ outcome: (outcomes.get(event.id) as RoutingOutcome).state });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, queue.length) }, worker));
    return events.map((event) => outcomes.get(event.id) as RoutingOutcome);
  }

  private async publish(event: OutboxEvent): Promise<RoutingOutcome> {
    const result = await this.publisher.publish(toMessage(event, this.config.events.messageTtlMs), this.options.publishTimeoutMs, this.stopping.signal);
    if (result.status === 'published') return { id: event.id, state: 'published' };
    // Stopped while the engine had not answered: not an attempt, due again at the next start.
    if (result.status === 'retry' && this.stopping.signal.aborted) return { id: event.id, state: 'retry', retryAt: new Date(), attempted: false, error: result.error };
    if (result.status === 'failed') {
      this.logger.warn(`the engine refused the message of event ${event.source}/${event.eventId} (${event.type}) for good: ${result.error}`);
      return { id: event.id, state: 'failed', error: result.error };
    }
    this.roundError = result.error;
    return { id: event.id, state: 'retry', retryAt: new Date(Date.now() + this.backoff(event.attempts)), attempted: true, error: result.error };
  }

  private backoff(attempts: number): number {
    const { retryBaseMs, retryMaxMs } = this.options;
    const delay = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(attempts, 30));
    // Jitter, so that events held up together do not all come back in the same instant.
    return Math.round(delay * (0.8 + Math.random() * 0.4));
  }

  // Publishes that timed out may still be running in the client; wait until they are below the bound.
  private async whileTooManyInFlight(): Promise<void> {
    while (this.running && this.publisher.inFlight >= this.options.concurrency) await this.sleep(100);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  // An engine that is away fails every publish; say so once, not once per event.
  private warnOnce(message: string): void {
    if (this.lastError === message) return;
    this.lastError = message;
    this.logger.warn(message);
  }
}

/** The BPMN message of an event (see {@link EventDispatcherService}). */
export function toMessage(event: OutboxEvent, timeToLiveMs: number): BpmnMessage {
  const who = event.customerId !== null ? { customerId: event.customerId } : { anonymousId: event.anonymousId };
  return {
    name: event.type,
    correlationKey: correlationKeyOf(event),
    messageId: `${event.source}/${event.eventId}`,
    timeToLiveMs,
    variables: {
      ...event.properties,
      type: event.type,
      eventId: event.eventId,
      occurredAt: event.occurredAt.toISOString(),
      ...who,
      ...(event.channel !== null ? { channel: event.channel } : {}),
      ...(event.revenue !== null ? { revenue: Number(event.revenue), currency: event.currency } : {}),
    },
  };
}

function correlationKeyOf(event: OutboxEvent): string {
  return event.customerId ?? `${ANONYMOUS_KEY_PREFIX}${event.anonymousId ?? ''}`;
}

function groupByCorrelationKey(events: OutboxEvent[]): Map<string, OutboxEvent[]> {
  const groups = new Map<string, OutboxEvent[]>();
  for (const event of events) {
    const key = correlationKeyOf(event);
    const group = groups.get(key);
    if (group) group.push(event);
    else groups.set(key, [event]);
  }
  return groups;
}
