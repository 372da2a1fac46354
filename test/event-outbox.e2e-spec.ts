import { DataSource } from 'typeorm';
import { EventOutboxRepository, OUTBOX_CLAIM, OUTBOX_CLAIM_PLAN, type OutboxEvent, type RoutingOutcome } from '../src/repositories';
import { runMigrations } from './helpers/migrate';
import { createTestDatabase, type TestDatabase } from './helpers/test-database';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function nodesOf(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];
}

/**
 * The event table as an outbox, on real PostgreSQL: which events a dispatcher round claims, in
 * what order, what it records, and that rounds side by side never claim the same event.
 */
describe('EventOutboxRepository (PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let outbox: EventOutboxRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    await runMigrations(database.url);
    dataSource = new DataSource({ type: 'postgres', url: database.url, logging: false });
    await dataSource.initialize();
    outbox = new EventOutboxRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  beforeEach(async () => {
    await dataSource.query(`truncate travesia.customer_event, travesia.customer cascade`);
    await dataSource.query(`insert into travesia.customer (external_id) values ('c-1'), ('c-2')`);
  });

  /** Stores events of customer c-1 (ids prefix + 1, 2, …), due at the given offsets from now (seconds), in that order. */
  async function storeEvents(dueInSeconds: number[], prefix = 'e-'): Promise<void> {
    await dataSource.query(
      `insert into travesia.customer_event (source, event_id, customer_id, type, occurred_at, properties, routing_due_at)
       select 'shop', $2 || n, (select id from travesia.customer where external_id = 'c-1'), 'order.placed', now(), '{}',
              now() + make_interval(secs => due)
         from unnest($1::float8[]) with ordinality as d(due, n)`,
      [dueInSeconds, prefix],
    );
  }

  const routeAll =
    (state: 'published' | 'skipped', seen: OutboxEvent[][] = []) =>
    async (events: OutboxEvent[]): Promise<RoutingOutcome[]> => {
      seen.push(events);
      return events.map((event) => ({ id: event.id, state }));
    };

  it('should claim the due events oldest first, with the customer external id, and leave the others', async () => {
    // given e-1 due in an hour, e-2 and e-3 due a minute and a second ago
    await storeEvents([3_600, -60, -1]);
    const seen: OutboxEvent[][] = [];

    // when
    const claimed = await outbox.dispatch(10, routeAll('published', seen));

    // then
    expect(claimed).toBe(2);
    expect(seen[0].map((event) => [event.eventId, event.customerId])).toEqual([
      ['e-2', 'c-1'],
      ['e-3', 'c-1'],
    ]);
    expect(await outbox.backlog()).toBe(1);
    const rows: { event_id: string; routing: string | null; routed: boolean }[] = await dataSource.query(
      `select event_id, routing, routed_at is not null as routed from travesia.customer_event order by event_id`,
    );
    expect(rows).toEqual([
      { event_id: 'e-1', routing: null, routed: false },
      { event_id: 'e-2', routing: 'published', routed: true },
      { event_id: 'e-3', routing: 'published', routed: true },
    ]);
  });

  it('should put an event to retry back in the outbox, due when the round said, counting the attempt', async () => {
    // given
    await storeEvents([-1]);
    const retryAt = new Date(Date.now() + 60_000);

    // when
    await outbox.dispatch(10, async (events) => events.map((event) => ({ id: event.id, state: 'retry', retryAt, attempted: true, error: 'engine away' })));

    // then nothing is due now, and the row says why
    expect(await outbox.dispatch(10, routeAll('published'))).toBe(0);
    const [row]: { routing_attempts: number; routing_due_at: Date; routing_error: string; routed_at: Date | null }[] = await dataSource.query(
      `select routing_attempts, routing_due_at, routing_error, routed_at from travesia.customer_event`,
    );
    expect(row).toEqual({ routing_attempts: 1, routing_due_at: retryAt, routing_error: 'engine away', routed_at: null });
  });

  it('should let two rounds at once claim different events', async () => {
    // given
    await storeEvents(Array.from({ length: 6 }, (_, i) => -10 + i));
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstClaimed!: () => void;
    const firstHasClaimed = new Promise<void>((resolve) => (firstClaimed = resolve));
    const first: OutboxEvent[][] = [];
    const second: OutboxEvent[][] = [];

    // when the first round holds its events while the second claims
    const firstRound = outbox.dispatch(4, async (events) => {
      first.push(events);
      firstClaimed();
      await firstHolds;
      return events.map((event) => ({ id: event.id, state: 'published' }));
    });
    await firstHasClaimed;
    const secondCount = await outbox.dispatch(4, routeAll('published', second));
    releaseFirst();
    await firstRound;

    // then
    expect(first[0].map((event) => event.eventId)).toEqual(['e-1', 'e-2', 'e-3', 'e-4']);
    expect(secondCount).toBe(2);
    expect(second[0].map((event) => event.eventId)).toEqual(['e-5', 'e-6']);
    expect(await outbox.backlog()).toBe(0);
  });

  it('should claim by walking the outbox index even when a burst of events outgrew the statistics', async () => {
    // given statistics taken when 1 % of the stored events were still to route (what the planner
    // then believes), and 50,000 events of 1,000 customers stored since
    await dataSource.query(`insert into travesia.customer (external_id) select 'burst-' || n from generate_series(1, 1000) n`);
    const burst = (label: string, count: number, routed: string) =>
      dataSource.query(
        `insert into travesia.customer_event (source, event_id, customer_id, type, occurred_at, properties, routed_at)
         select 'shop', $2 || '-' || n, c.id, 'page.viewed', now(), '{"url": "/products/1"}', ${routed}
           from generate_series(1, $1::int) n join travesia.customer c on c.external_id = 'burst-' || (1 + n % 1000)`,
        [count, label],
      );
    await burst('before', 2_000, `case when n % 100 = 0 then null else now() end`);
    await dataSource.query(`analyze travesia.customer_event; analyze travesia.customer`);
    await burst('since', 50_000, 'null');

    // when the claim is planned as a round plans it
    const plan = await dataSource.transaction(async (manager) => {
      await manager.query(OUTBOX_CLAIM_PLAN);
      const [row]: { 'QUERY PLAN': [{ Plan: PlanNode }] }[] = await manager.query(`explain (format json) ${OUTBOX_CLAIM}`, [512]);
      return nodesOf(row['QUERY PLAN'][0].Plan);
    });

    // then it reads the due events in the index's order and stops after the limit: no sort of all of them
    expect(plan.map((node) => node['Node Type'])).not.toContain('Sort');
    expect(plan.map((node) => node['Node Type'])).not.toContain('Bitmap Heap Scan');
    expect(plan).toContainEqual(expect.objectContaining({ 'Node Type': 'Index Scan', 'Index Name': 'customer_event_outbox_idx' }));
  });
});
