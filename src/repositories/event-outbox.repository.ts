import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A stored event still to be routed, with what its BPMN message needs. */
export interface OutboxEvent {
  readonly id: string;
  readonly source: string;
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: Date;
  readonly channel: string | null;
  readonly properties: Record<string, unknown>;
  readonly revenue: string | null;
  readonly currency: string | null;
  /** The customer's external id now (after any merge); null for a Ghost profile. */
  readonly customerId: string | null;
  readonly anonymousId: string | null;
  /** Publish attempts so far. */
  readonly attempts: number;
}

/**
 * What became of an event: routed for good (published, skipped as no journey catches its type,
 * failed as the engine refused it for good), or to be tried again at `retryAt` (`attempted`:
 * whether this round counts as an attempt, i.e. the engine was asked).
 */
export type RoutingOutcome =
  | { readonly id: string; readonly state: 'published' | 'skipped' }
  | { readonly id: string; readonly state: 'failed'; readonly error: string }
  | { readonly id: string; readonly state: 'retry'; readonly retryAt: Date; readonly attempted: boolean; readonly error: string };

/**
 * The oldest due events, locked for the round. Their order is the outbox index's, and the scan
 * must walk that index and stop after `limit` rows: a burst of events outgrows the table's
 * statistics long before autovacuum analyses it again, and the planner then believes a handful
 * of rows are due, reads all of them in a bitmap scan and sorts them, hundreds of milliseconds
 * per round with 200,000 waiting. So the claim's transaction turns sorts and bitmap scans off
 * (OUTBOX_CLAIM_PLAN, local to that transaction), which leaves the ordered index scan.
 */
export const OUTBOX_CLAIM = `
  select e.id, e.source, e.event_id, e.type, e.occurred_at, e.channel, e.properties, e.revenue, e.currency,
         e.anonymous_id, e.routing_attempts, c.external_id
    from travesia.customer_event e join travesia.customer c on c.id = e.customer_id
   where e.routed_at is null and e.routing_due_at <= now()
   order by e.routing_due_at, e.id
   limit $1
   for update of e skip locked`;

export const OUTBOX_CLAIM_PLAN = 'set local enable_sort = off; set local enable_bitmapscan = off';

/**
 * The event table as an outbox: rows with `routed_at` null are still to be published. A round
 * claims the oldest due rows with FOR UPDATE SKIP LOCKED — so several processes can dispatch
 * side by side without publishing a row twice — hands them to `route` while the transaction
 * holds them, and records each outcome before committing. A crash in between rolls the round
 * back: its rows are claimed again after the restart and published again, which Zeebe
 * de-duplicates by message id while the first copy is buffered.
 */
@Injectable()
export class EventOutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs one round over at most `limit` due events; resolves with how many were claimed. */
  dispatch(limit: number, route: (events: OutboxEvent[]) => Promise<RoutingOutcome[]>): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(OUTBOX_CLAIM_PLAN);
      const rows: RawOutboxEvent[] = await manager.query(OUTBOX_CLAIM, [limit]);
      if (rows.length === 0) return 0;
      const outcomes = await route(rows.map(toOutboxEvent));
      await manager.query(
        `update travesia.customer_event e set
           routing = case when o.state = 'retry' then null else o.state end,
           routed_at = case when o.state = 'retry' then null else now() end,
           routing_attempts = e.routing_attempts + o.attempted,
           routing_due_at = coalesce(o.retry_at, e.routing_due_at),
           routing_error = o.error
         from unnest($1::bigint[], $2::text[], $3::int[], $4::timestamptz[], $5::text[]) as o(id, state, attempted, retry_at, error)
         where e.id = o.id`,
        [
          outcomes.map((outcome) => outcome.id),
          outcomes.map((outcome) => outcome.state),
          outcomes.map((outcome) => (outcome.state === 'retry' ? Number(outcome.attempted) : outcome.state === 'skipped' ? 0 : 1)),
          outcomes.map((outcome) => (outcome.state === 'retry' ? outcome.retryAt.toISOString() : null)),
          outcomes.map((outcome) => (outcome.state === 'retry' || outcome.state === 'failed' ? outcome.error.slice(0, 1_000) : null)),
        ],
      );
      return rows.length;
    });
  }

  /** Events not routed yet, due or waiting for a retry. */
  async backlog(): Promise<number> {
    const [row]: { count: string }[] = await this.dataSource.query(`select count(*) from travesia.customer_event where routed_at is null`);
    return Number(row.count);
  }
}

interface RawOutboxEvent {
  id: string;
  source: string;
  event_id: string;
  type: string;
  occurred_at: Date;
  channel: string | null;
  properties: Record<string, unknown>;
  revenue: string | null;
  currency: string | null;
  anonymous_id: string | null;
  routing_attempts: number;
  external_id: string | null;
}

function toOutboxEvent(row: RawOutboxEvent): OutboxEvent {
  return {
    id: row.id,
    source: row.source,
    eventId: row.event_id,
    type: row.type,
    occurredAt: row.occurred_at,
    channel: row.channel,
    properties: row.properties,
    revenue: row.revenue,
    currency: row.currency,
    customerId: row.external_id,
    anonymousId: row.anonymous_id,
    attempts: row.routing_attempts,
  };
}
