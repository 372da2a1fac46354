import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ConsentChangeRow, ConsentState, CustomerRow, Segment, StoredAddresses } from '../dtos';
import { ERASURE_LOCK, erasureHash } from './customer-erasure';
import { ConcurrentChangeError, withConflictRetries } from './transaction-retry';

/** A profile as a use case wants it written (see {@link CustomerRepository.upsert}). */
export interface CustomerProfile {
  readonly attributes: Record<string, unknown>;
  readonly addresses: StoredAddresses;
  readonly consents: Record<string, ConsentState>;
  readonly timezone: string | null;
  readonly segment: Segment | null;
}

export interface ConsentChange extends ConsentState {
  readonly channel: string;
}

/** What an upsert changes, decided from the current profile; `changed: false` writes nothing. */
export interface ProfileUpdate {
  readonly changed: boolean;
  readonly profile: CustomerProfile;
  readonly consentChanges: readonly ConsentChange[];
}

export interface UpsertResult {
  readonly status: 'created' | 'updated';
  readonly customer: CustomerRow;
}

export type IdentifyResult =
  | { readonly status: 'linked' | 'already-linked'; readonly customer: CustomerRow }
  | { readonly status: 'merged'; readonly customer: CustomerRow; readonly eventsMoved: number }
  | { readonly status: 'other-customer' }
  | { readonly status: 'erased' };

export type EraseResult = 'erased' | 'already-erased' | 'not-found';

export interface CustomerFilter {
  readonly segment?: Segment;
  readonly attributes: readonly (readonly [name: string, value: string])[];
  readonly updatedSince?: Date;
  readonly after?: PageCursor;
  readonly limit: number;
}

/** Where a page ended: (updated_at in epoch microseconds, id). */
export interface PageCursor {
  readonly updatedAtMicros: string;
  readonly id: string;
}

/** Whether an erased id may get a profile again, given when it was erased. */
export type RecreatePolicy = (erasedAt: Date) => boolean;

const CUSTOMER_COLUMNS = `
  c.id, c.external_id, c.attributes, c.addresses, c.consents, c.timezone, c.segment, c.created_at, c.updated_at,
  c.first_seen_at, c.last_seen_at, c.event_count, c.purchase_count, c.first_purchase_at, c.last_purchase_at,
  (extract(epoch from c.updated_at) * 1000000)::bigint as updated_at_micros,
  coalesce((select jsonb_object_agg(r.currency, jsonb_build_object('amount', r.amount, 'purchaseCount', r.purchase_count))
              from travesia.customer_revenue r where r.customer_id = c.id), '{}') as revenue,
  coalesce((select jsonb_object_agg(a.channel, jsonb_build_object('lastInteractionAt', a.last_interaction_at, 'eventCount', a.event_count))
              from travesia.customer_channel_activity a where a.customer_id = c.id), '{}') as channels`;

interface RawCustomer {
  id: string;
  external_id: string;
  attributes: Record<string, unknown>;
  addresses: StoredAddresses;
  consents: Record<string, ConsentState>;
  timezone: string | null;
  segment: Segment | null;
  created_at: Date;
  updated_at: Date;
  first_seen_at: Date | null;
  last_seen_at: Date | null;
  event_count: string;
  purchase_count: string;
  first_purchase_at: Date | null;
  last_purchase_at: Date | null;
  updated_at_micros: string;
  revenue: Record<string, { amount: number; purchaseCount: number }>;
  channels: Record<string, { lastInteractionAt: string; eventCount: number }>;
}

export interface CustomerPageRow extends CustomerRow {
  readonly cursor: PageCursor;
}

/**
 * Customer profiles (identified ones, and Ghost profiles known only by anonymous ids), their
 * consent history, anonymous ids, aggregates and erasure. Each method is one transaction.
 */
@Injectable()
export class CustomerRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findByExternalId(externalId: string): Promise<CustomerRow | null> {
    const rows: RawCustomer[] = await this.dataSource.query(`select ${CUSTOMER_COLUMNS} from travesia.customer c where c.external_id = $1`, [
      externalId,
    ]);
    return rows.length ? toCustomerRow(rows[0]) : null;
  }

  /** Identified customers in (updated_at, id) order, filtered; one row more than `limit` tells that a next page exists. */
  async list(filter: CustomerFilter): Promise<CustomerPageRow[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where = ['c.external_id is not null'];
    if (filter.segment) where.push(`c.segment = ${param(filter.segment)}`);
    if (filter.updatedSince) where.push(`c.updated_at >= ${param(filter.updatedSince)}`);
    for (const [name, value] of filter.attributes) where.push(`c.attributes ->> ${param(name)} = ${param(value)}`);
    if (filter.after) {
      where.push(
        `(c.updated_at, c.id) > (timestamptz 'epoch' + ${param(filter.after.updatedAtMicros)}::bigint * interval '1 microsecond', ${param(filter.after.id)}::bigint)`,
      );
    }
    const rows: RawCustomer[] = await this.dataSource.query(
      `select ${CUSTOMER_COLUMNS} from travesia.customer c where ${where.join(' and ')} order by c.updated_at, c.id limit ${param(filter.limit + 1)}`,
      params,
    );
    return rows.map((row) => ({ ...toCustomerRow(row), cursor: { updatedAtMicros: row.updated_at_micros, id: row.id } }));
  }

  /**
   * Creates or updates the profile of `externalId`: `decide` gets the current profile (locked,
   * so concurrent upserts of one customer apply one after the other) and says what to write.
   * An erased id is created again; its tombstone stays.
   */
  upsert(externalId: string, decide: (current: CustomerRow, created: boolean) => ProfileUpdate, by: string): Promise<UpsertResult> {
    return withConflictRetries(() =>
      this.dataSource.transaction(async (manager) => {
        await manager.query('select pg_advisory_xact_lock_shared($1)', [ERASURE_LOCK]);
        const existing = await lockByExternalId(manager, externalId);
        let created = false;
        if (!existing) {
          const inserted: unknown[] = await manager.query(
            `insert into travesia.customer (external_id) values ($1) on conflict (external_id) do nothing returning id`,
            [externalId],
          );
          created = inserted.length > 0;
        }
        const current = existing ?? (await lockByExternalId(manager, externalId));
        if (!current) throw new ConcurrentChangeError(`customer ${externalId} was erased while being written`);
        const update = decide(current, created);
        if (update.changed) {
          const { attributes, addresses, consents, timezone, segment } = update.profile;
          await manager.query(
            `update travesia.customer set attributes = $2, addresses = $3, consents = $4, timezone = $5, segment = $6, updated_at = now() where id = $1`,
            [current.id, attributes, addresses, consents, timezone, segment],
          );
          await insertConsentChanges(manager, current.id, update.consentChanges, by);
        }
        const customer = await lockByExternalId(manager, externalId);
        return { status: created ? 'created' : 'updated', customer: customer as CustomerRow };
      }),
    );
  }

  /**
   * Ties `anonymousId` to the customer (created if need be). When the anonymous id belongs to a
   * Ghost profile, that profile is merged: its events move to the customer, its anonymous ids
   * follow, the customer's aggregates are recomputed from all its events, and the Ghost row is
   * deleted. Later events for the anonymous id land on the customer.
   */
  identify(externalId: string, anonymousId: string, mayRecreate: RecreatePolicy): Promise<IdentifyResult> {
    return withConflictRetries(() =>
      this.dataSource.transaction(async (manager): Promise<IdentifyResult> => {
        await manager.query('select pg_advisory_xact_lock_shared($1)', [ERASURE_LOCK]);
        let [customer]: { id: string }[] = await manager.query(`select id from travesia.customer where external_id = $1`, [externalId]);
        if (!customer) {
          const erasedAt = await erasedAtOf(manager, 'customer', externalId);
          if (erasedAt && !mayRecreate(erasedAt)) return { status: 'erased' };
          await manager.query(`insert into travesia.customer (external_id) values ($1) on conflict (external_id) do nothing`, [externalId]);
          [customer] = await manager.query(`select id from travesia.customer where external_id = $1`, [externalId]);
          if (!customer) throw new ConcurrentChangeError(`customer ${externalId} was erased while being identified`);
        }
        const linked: { customer_id: string }[] = await manager.query(
          `insert into travesia.customer_alias (anonymous_id, customer_id, identified_at) values ($1, $2, now())
           on conflict (anonymous_id) do nothing returning customer_id`,
          [anonymousId, customer.id],
        );
        if (linked.length) return { status: 'linked', customer: await this.touch(manager, customer.id) };

        const [alias]: { customer_id: string; external_id: string | null }[] = await manager.query(
          `select a.customer_id, c.external_id from travesia.customer_alias a join travesia.customer c on c.id = a.customer_id where a.anonymous_id = $1`,
          [anonymousId],
        );
        if (!alias) throw new ConcurrentChangeError(`anonymous id ${anonymousId} changed while being identified`);
        if (alias.customer_id === customer.id) return { status: 'already-linked', customer: await this.read(manager, customer.id) };
        if (alias.external_id !== null) return { status: 'other-customer' };

        // The Ghost's events first (the dispatcher may hold some), then both profiles in id order as ingestion
        // locks them, then check that nobody merged the Ghost meanwhile.
        const ghost = alias.customer_id;
        await lockEventsOf(manager, 'id = $1', ghost);
        const locked: { id: string }[] = await manager.query(`select id from travesia.customer where id = any($1) order by id for update`, [
          [customer.id, ghost],
        ]);
        const [still]: { customer_id: string }[] = await manager.query(`select customer_id from travesia.customer_alias where anonymous_id = $1`, [anonymousId]);
        if (locked.length !== 2 || still?.customer_id !== ghost) {
          throw new ConcurrentChangeError(`the profile of anonymous id ${anonymousId} changed while being merged`);
        }
        const [, moved] = await manager.query(`update travesia.customer_event set customer_id = $2 where customer_id = $1`, [ghost, customer.id]);
        await manager.query(`update travesia.customer_alias set customer_id = $2, identified_at = coalesce(identified_at, now()) where customer_id = $1`, [
          ghost,
          customer.id,
        ]);
        await deleteProfile(manager, ghost);
        await recomputeAggregates(manager, customer.id);
        return { status: 'merged', customer: await this.touch(manager, customer.id), eventsMoved: Number(moved) };
      }),
    );
  }

  /** The anonymous ids tied to a customer, oldest first. */
  async anonymousIds(customerId: string): Promise<string[]> {
    const rows: { anonymous_id: string }[] = await this.dataSource.query(
      `select anonymous_id from travesia.customer_alias where customer_id = $1 order by created_at, anonymous_id`,
      [customerId],
    );
    return rows.map((row) => row.anonymous_id);
  }

  async consentHistory(customerId: string): Promise<ConsentChangeRow[]> {
    const rows: { channel: string; granted: boolean; given_at: Date; source: string; recorded_at: Date }[] = await this.dataSource.query(
      `select channel, granted, given_at, source, recorded_at from travesia.customer_consent_change where customer_id = $1 order by id`,
      [customerId],
    );
    return rows.map((row) => ({ channel: row.channel, granted: row.granted, givenAt: row.given_at, source: row.source, recordedAt: row.recorded_at }));
  }

  /**
   * Erases a customer: its profile, consents, anonymous ids, events and aggregates are deleted,
   * and tombstones (hashes only) of its external id and anonymous ids are kept, in one
   * transaction under the exclusive erasure lock.
   */
  erase(externalId: string, by: string): Promise<EraseResult> {
    return this.dataSource.transaction(async (manager) => {
      await lockEventsOf(manager, 'external_id = $1', externalId);
      await manager.query('select pg_advisory_xact_lock($1)', [ERASURE_LOCK]);
      const [customer]: { id: string }[] = await manager.query(`select id from travesia.customer where external_id = $1 for update`, [externalId]);
      if (!customer) return (await erasedAtOf(manager, 'customer', externalId)) ? 'already-erased' : 'not-found';
      const aliases: { anonymous_id: string }[] = await manager.query(`select anonymous_id from travesia.customer_alias where customer_id = $1`, [
        customer.id,
      ]);
      const tombstones = [
        { hash: erasureHash('customer', externalId), kind: 'customer' },
        ...aliases.map((alias) => ({ hash: erasureHash('anonymous', alias.anonymous_id), kind: 'anonymous' })),
      ];
      await manager.query(
        `insert into travesia.customer_erasure (id_hash, kind, erased_by)
         select * from unnest($1::text[], $2::text[], $3::text[])
         on conflict (id_hash) do update set erased_at = now(), erased_by = excluded.erased_by`,
        [tombstones.map((t) => t.hash), tombstones.map((t) => t.kind), tombstones.map(() => by)],
      );
      await manager.query(`delete from travesia.customer_event where customer_id = $1`, [customer.id]);
      await deleteProfile(manager, customer.id);
      return 'erased';
    });
  }

  /** Notes that the profile changed (its anonymous ids, or events merged in) and reads it back. */
  private async touch(manager: EntityManager, id: string): Promise<CustomerRow> {
    await manager.query(`update travesia.customer set updated_at = now() where id = $1`, [id]);
    return this.read(manager, id);
  }

  private async read(manager: EntityManager, id: string): Promise<CustomerRow> {
    const rows: RawCustomer[] = await manager.query(`select ${CUSTOMER_COLUMNS} from travesia.customer c where c.id = $1`, [id]);
    return toCustomerRow(rows[0]);
  }
}

async function lockByExternalId(manager: EntityManager, externalId: string): Promise<CustomerRow | null> {
  const rows: RawCustomer[] = await manager.query(`select ${CUSTOMER_COLUMNS} from travesia.customer c where c.external_id = $1 for update of c`, [
    externalId,
  ]);
  return rows.length ? toCustomerRow(rows[0]) : null;
}

/**
 * Locks the events of a customer that is about to be erased or merged, first: the event
 * dispatcher holds the events it is publishing for a moment (see EventOutboxRepository), and
 * this waits for it before the caller takes locks that ingestion would wait on in turn.
 */
async function lockEventsOf(manager: EntityManager, customerCondition: 'external_id = $1' | 'id = $1', value: string): Promise<void> {
  await manager.query(
    `select count(*) from (
       select 1 from travesia.customer_event where customer_id = (select id from travesia.customer where ${customerCondition}) for update
     ) locked`,
    [value],
  );
}

async function erasedAtOf(manager: EntityManager, kind: 'customer' | 'anonymous', id: string): Promise<Date | null> {
  const rows: { erased_at: Date }[] = await manager.query(`select erased_at from travesia.customer_erasure where id_hash = $1`, [erasureHash(kind, id)]);
  return rows.length ? rows[0].erased_at : null;
}

async function insertConsentChanges(manager: EntityManager, customerId: string, changes: readonly ConsentChange[], by: string): Promise<void> {
  if (changes.length === 0) return;
  await manager.query(
    `insert into travesia.customer_consent_change (customer_id, channel, granted, given_at, source, recorded_by)
     select $1, * from unnest($2::text[], $3::boolean[], $4::timestamptz[], $5::text[], $6::text[])`,
    [
      customerId,
      changes.map((change) => change.channel),
      changes.map((change) => change.granted),
      changes.map((change) => change.at),
      changes.map((change) => change.source),
      changes.map(() => by),
    ],
  );
}

// The tables without a foreign key to customer (see the migration) are cleaned up by hand.
async function deleteProfile(manager: EntityManager, id: string): Promise<void> {
  await manager.query(`delete from travesia.customer_channel_activity where customer_id = $1`, [id]);
  await manager.query(`delete from travesia.customer_revenue where customer_id = $1`, [id]);
  await manager.query(`delete from travesia.customer where id = $1`, [id]);
}

/** The aggregates of one customer from all its events, by the same rules as ingestion's increments. */
async function recomputeAggregates(manager: EntityManager, id: string): Promise<void> {
  await manager.query(
    `update travesia.customer c set
       first_seen_at = s.first_seen, last_seen_at = s.last_seen, event_count = s.events, purchase_count = s.purchases,
       first_purchase_at = s.first_purchase, last_purchase_at = s.last_purchase
     from (select min(occurred_at) as first_seen, max(occurred_at) as last_seen, count(*) as events, count(revenue) as purchases,
                  min(occurred_at) filter (where revenue is not null) as first_purchase,
                  max(occurred_at) filter (where revenue is not null) as last_purchase
             from travesia.customer_event where customer_id = $1) s
     where c.id = $1`,
    [id],
  );
  await manager.query(`delete from travesia.customer_channel_activity where customer_id = $1`, [id]);
  await manager.query(
    `insert into travesia.customer_channel_activity (customer_id, channel, last_interaction_at, event_count)
     select $1, channel, max(occurred_at), count(*) from travesia.customer_event where customer_id = $1 and channel is not null group by channel`,
    [id],
  );
  await manager.query(`delete from travesia.customer_revenue where customer_id = $1`, [id]);
  await manager.query(
    `insert into travesia.customer_revenue (customer_id, currency, amount, purchase_count)
     select $1, currency, sum(revenue), count(*) from travesia.customer_event where customer_id = $1 and revenue is not null group by currency`,
    [id],
  );
}

function toCustomerRow(raw: RawCustomer): CustomerRow {
  return {
    id: raw.id,
    externalId: raw.external_id,
    attributes: raw.attributes,
    addresses: raw.addresses,
    consents: raw.consents,
    timezone: raw.timezone,
    segment: raw.segment,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
    firstSeenAt: raw.first_seen_at,
    lastSeenAt: raw.last_seen_at,
    eventCount: Number(raw.event_count),
    purchaseCount: Number(raw.purchase_count),
    firstPurchaseAt: raw.first_purchase_at,
    lastPurchaseAt: raw.last_purchase_at,
    revenue: raw.revenue,
    channels: raw.channels,
  };
}
