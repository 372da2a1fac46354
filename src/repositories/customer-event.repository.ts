import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CustomerEventRow, IngestStatus, NewCustomerEvent } from '../dtos';
import { ERASURE_LOCK, erasureHash } from './customer-erasure';
import { ConcurrentChangeError, withConflictRetries } from './transaction-retry';

/** What ingestion knows about an event whose customer or anonymous id was erased. */
export interface ErasedProfile {
  readonly erasedAt: Date;
  /** A profile exists again under the id (created after the erasure). */
  readonly exists: boolean;
}

/** Whether an event for an erased id must be refused; see EventService. */
export type ErasurePolicy = (event: NewCustomerEvent, erased: ErasedProfile) => boolean;

/**
 * Stores a batch of events and updates the aggregates of their customers in one statement: the
 * events go in with ON CONFLICT DO NOTHING on (source, event_id), and only the rows actually
 * inserted feed the aggregates, so a duplicate changes nothing. Data-modifying CTEs share one
 * snapshot, which is why the aggregates are computed from `inserted` rather than read back.
 * An event whose type is not routed goes in already `skipped`, so it never enters the outbox.
 */
const INSERT_EVENTS = `
with input as (
  select * from unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::jsonb[], $9::numeric[], $10::text[], $11::boolean[])
    as t(source, event_id, customer_id, anonymous_id, type, occurred_at, channel, properties, revenue, currency, routed)
), inserted as (
  insert into travesia.customer_event (source, event_id, customer_id, anonymous_id, type, occurred_at, channel, properties, revenue, currency, routing, routed_at)
  select source, event_id, customer_id, anonymous_id, type, occurred_at, channel, properties, revenue, currency,
         case when routed then null else 'skipped' end, case when routed then null else now() end
    from input
  on conflict (source, event_id) do nothing
  returning source, event_id, customer_id, occurred_at, channel, revenue, currency
), per_customer as (
  select customer_id, min(occurred_at) as first_seen, max(occurred_at) as last_seen, count(*) as events, count(revenue) as purchases,
         min(occurred_at) filter (where revenue is not null) as first_purchase,
         max(occurred_at) filter (where revenue is not null) as last_purchase
    from inserted group by customer_id
), customers as (
  update travesia.customer c set
    first_seen_at = least(c.first_seen_at, p.first_seen), last_seen_at = greatest(c.last_seen_at, p.last_seen),
    event_count = c.event_count + p.events, purchase_count = c.purchase_count + p.purchases,
    first_purchase_at = least(c.first_purchase_at, p.first_purchase), last_purchase_at = greatest(c.last_purchase_at, p.last_purchase)
  from per_customer p where c.id = p.customer_id
), channels as (
  insert into travesia.customer_channel_activity as a (customer_id, channel, last_interaction_at, event_count)
  select customer_id, channel, max(occurred_at), count(*) from inserted where channel is not null group by 1, 2 order by 1, 2
  on conflict (customer_id, channel) do update set
    last_interaction_at = greatest(a.last_interaction_at, excluded.last_interaction_at), event_count = a.event_count + excluded.event_count
), revenue as (
  insert into travesia.customer_revenue as r (customer_id, currency, amount, purchase_count)
  select customer_id, currency, sum(revenue), count(*) from inserted where revenue is not null group by 1, 2 order by 1, 2
  on conflict (customer_id, currency) do update set amount = r.amount + excluded.amount, purchase_count = r.purchase_count + excluded.purchase_count
)
select source, event_id from inserted`;

/** Creates a Ghost profile per anonymous id and ties the id to it, unless another transaction tied it first. */
const CREATE_GHOSTS = `
with input as (
  select a.anonymous_id, nextval(pg_get_serial_sequence('travesia.customer', 'id')) as id from unnest($1::text[]) as a(anonymous_id)
), profiles as (
  insert into travesia.customer (id) select id from input
), linked as (
  insert into travesia.customer_alias (anonymous_id, customer_id) select anonymous_id, id from input
  on conflict (anonymous_id) do nothing returning anonymous_id
)
select i.anonymous_id, i.id, l.anonymous_id is not null as linked from input i left join linked l using (anonymous_id)`;

@Injectable()
export class CustomerEventRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores events (unique by source and event id within the call) in one transaction: resolves
   * or creates their profiles (customers by external id, Ghost profiles by anonymous id), locks
   * them in id order, inserts the events and updates the aggregates. Events for which `routed`
   * is false are stored as routed already (`skipped`). Returns each event's status in input order.
   */
  ingest(events: readonly NewCustomerEvent[], refuse: ErasurePolicy, routed: (event: NewCustomerEvent) => boolean): Promise<IngestStatus[]> {
    return withConflictRetries(() => this.dataSource.transaction((manager) => ingestIn(manager, events, refuse, routed)));
  }

  /** Every stored event of a customer, oldest first. */
  async listForCustomer(customerId: string): Promise<CustomerEventRow[]> {
    const rows: RawEvent[] = await this.dataSource.query(
      `select source, event_id, type, occurred_at, received_at, channel, properties, revenue, currency, anonymous_id, routing
         from travesia.customer_event where customer_id = $1 order by occurred_at, id`,
      [customerId],
    );
    return rows.map((row) => ({
      source: row.source,
      eventId: row.event_id,
      type: row.type,
      occurredAt: row.occurred_at,
      receivedAt: row.received_at,
      channel: row.channel,
      properties: row.properties,
      revenue: row.revenue,
      currency: row.currency,
      anonymousId: row.anonymous_id,
      routing: row.routing,
    }));
  }
}

interface RawEvent {
  source: string;
  event_id: string;
  type: string;
  occurred_at: Date;
  received_at: Date;
  channel: string | null;
  properties: Record<string, unknown>;
  revenue: string | null;
  currency: string | null;
  anonymous_id: string | null;
  routing: CustomerEventRow['routing'];
}

async function ingestIn(
  manager: EntityManager,
  events: readonly NewCustomerEvent[],
  refuse: ErasurePolicy,
  routed: (event: NewCustomerEvent) => boolean,
): Promise<IngestStatus[]> {
  await manager.query('select pg_advisory_xact_lock_shared($1)', [ERASURE_LOCK]);
  const externalIds = sortedUnique(events.map((event) => event.customerId));
  const anonymousIds = sortedUnique(events.map((event) => event.anonymousId));

  const ghosts = new Map<string, string>();
  if (anonymousIds.length) {
    const rows: { anonymous_id: string; customer_id: string }[] = await manager.query(
      `select anonymous_id, customer_id from travesia.customer_alias where anonymous_id = any($1)`,
      [anonymousIds],
    );
    for (const row of rows) ghosts.set(row.anonymous_id, row.customer_id);
  }
  // Every existing profile the events name, locked in id order (so that concurrent batches cannot deadlock) and resolved at once.
  const customers = new Map<string, string>();
  const locked: { id: string; external_id: string | null }[] = await manager.query(
    `select id, external_id from travesia.customer where external_id = any($1) or id = any($2::bigint[]) order by id for update`,
    [externalIds, [...new Set(ghosts.values())]],
  );
  for (const row of locked) if (row.external_id !== null) customers.set(row.external_id, row.id);
  const lockedIds = new Set(locked.map((row) => row.id));
  if ([...ghosts.values()].some((id) => !lockedIds.has(id))) {
    throw new ConcurrentChangeError('an anonymous profile was merged or erased while events were being stored for it');
  }

  const refused = await refusals(manager, events, customers, ghosts, refuse);
  const accepted = events.filter((_, index) => !refused[index]);
  if (accepted.length === 0) return refused.map(() => 'refused');
  await createCustomers(manager, sortedUnique(accepted.map((event) => event.customerId)).filter((id) => !customers.has(id)), customers);
  await createGhosts(manager, sortedUnique(accepted.map((event) => event.anonymousId)).filter((id) => !ghosts.has(id)), ghosts);

  const profileOf = (event: NewCustomerEvent) => (event.customerId !== undefined ? customers.get(event.customerId) : ghosts.get(event.anonymousId as string)) as string;
  const inserted: { source: string; event_id: string }[] = await manager.query(INSERT_EVENTS, [
    accepted.map((event) => event.source),
    accepted.map((event) => event.eventId),
    accepted.map(profileOf),
    accepted.map((event) => event.anonymousId ?? null),
    accepted.map((event) => event.type),
    accepted.map((event) => event.occurredAt.toISOString()),
    accepted.map((event) => event.channel),
    accepted.map((event) => JSON.stringify(event.properties)),
    accepted.map((event) => event.revenue),
    accepted.map((event) => event.currency),
    accepted.map(routed),
  ]);
  const stored = new Set(inserted.map((row) => eventKey(row.source, row.event_id)));
  return events.map((event, index) => (refused[index] ? 'refused' : stored.has(eventKey(event.source, event.eventId)) ? 'accepted' : 'duplicate'));
}

/** Which events the erasure policy refuses; tombstones are looked up only by hash. */
async function refusals(
  manager: EntityManager,
  events: readonly NewCustomerEvent[],
  customers: ReadonlyMap<string, string>,
  ghosts: ReadonlyMap<string, string>,
  refuse: ErasurePolicy,
): Promise<boolean[]> {
  const hashOf = (event: NewCustomerEvent) =>
    event.customerId !== undefined ? erasureHash('customer', event.customerId) : erasureHash('anonymous', event.anonymousId as string);
  const hashes = events.map(hashOf);
  const rows: { id_hash: string; erased_at: Date }[] = await manager.query(
    `select id_hash, erased_at from travesia.customer_erasure where id_hash = any($1)`,
    [[...new Set(hashes)]],
  );
  if (rows.length === 0) return events.map(() => false);
  const erasures = new Map(rows.map((row) => [row.id_hash, row.erased_at]));
  return events.map((event, index) => {
    const erasedAt = erasures.get(hashes[index]);
    if (!erasedAt) return false;
    const exists = event.customerId !== undefined ? customers.has(event.customerId) : ghosts.has(event.anonymousId as string);
    return refuse(event, { erasedAt, exists });
  });
}

/** Creates the customers (rows this transaction inserts are its own); ones another transaction created first are locked. */
async function createCustomers(manager: EntityManager, externalIds: string[], customers: Map<string, string>): Promise<void> {
  if (externalIds.length === 0) return;
  const created: { id: string; external_id: string }[] = await manager.query(
    `insert into travesia.customer (external_id) select unnest($1::text[]) on conflict (external_id) do nothing returning id, external_id`,
    [externalIds],
  );
  for (const row of created) customers.set(row.external_id, row.id);
  const raced = externalIds.filter((id) => !customers.has(id));
  if (raced.length === 0) return;
  const rows: { id: string; external_id: string }[] = await manager.query(
    `select id, external_id from travesia.customer where external_id = any($1) order by id for update`,
    [raced],
  );
  for (const row of rows) customers.set(row.external_id, row.id);
  if (rows.length !== raced.length) throw new ConcurrentChangeError('a new customer was erased while events were being stored for it');
}

async function createGhosts(manager: EntityManager, anonymousIds: string[], ghosts: Map<string, string>): Promise<void> {
  if (anonymousIds.length === 0) return;
  const rows: { anonymous_id: string; id: string; linked: boolean }[] = await manager.query(CREATE_GHOSTS, [anonymousIds]);
  const lost = rows.filter((row) => !row.linked);
  for (const row of rows) if (row.linked) ghosts.set(row.anonymous_id, row.id);
  if (lost.length === 0) return;
  // Another batch tied these anonymous ids first: drop the profiles made for them here, and use (and lock) that batch's.
  await manager.query(`delete from travesia.customer where id = any($1::bigint[])`, [lost.map((row) => row.id)]);
  const winners: { anonymous_id: string; customer_id: string }[] = await manager.query(
    `select a.anonymous_id, a.customer_id from travesia.customer_alias a
       join travesia.customer c on c.id = a.customer_id
      where a.anonymous_id = any($1) order by c.id for update of c`,
    [lost.map((row) => row.anonymous_id)],
  );
  for (const row of winners) ghosts.set(row.anonymous_id, row.customer_id);
  if (winners.length !== lost.length) throw new ConcurrentChangeError('an anonymous profile was merged or erased while events were being stored for it');
}

function sortedUnique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined))].sort();
}

function eventKey(source: string, eventId: string): string {
  return `${source}\u0000${eventId}`;
}
