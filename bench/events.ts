import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { Client } from 'pg';
import { bootstrap } from '../src/main';
import { MessageRoutingTableService } from '../src/services';
import { percentile, round } from './lib/stats';

/**
 * Customer-event ingestion through the real HTTP API: POST /api/events/batch, 1,000 events per
 * request, BENCH_EVENT_CLIENTS requests in flight, against the whole service (ROLE=all: API,
 * message dispatcher and embedded engine in one process, as `npm start` runs it) on a fresh
 * database of the PostgreSQL server at BENCH_DATABASE_URL. The client runs in the same process,
 * so its own work (about 5 % of the CPU) counts against the service: the figures are a floor.
 *
 * Three runs, each on a fresh database, differing in what the dispatcher publishes while the
 * events pour in: every event (the default until journeys feed the routing table), only
 * `order.placed` (20 % of the events: what a journey waiting for purchases catches), nothing.
 *
 *   node -r ./test/helpers/register-ts.js bench/events.ts     (or npm run build && node dist/bench/events.js)
 */
let SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TOTAL = Number(process.env.BENCH_EVENTS ?? 200_000);
const CLIENTS = Number(process.env.BENCH_EVENT_CLIENTS ?? 4);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 50_000);
const DRAIN_TIMEOUT_MS = Number(process.env.BENCH_DRAIN_TIMEOUT_MS ?? 60_000);
const BATCH = 1_000;

interface Scenario {
  readonly name: string;
  /** Undefined: publish every type. */
  readonly routed?: string[];
}

const SCENARIOS: Scenario[] = [
  { name: 'every event published (routing table not fed)' },
  { name: 'only order.placed published (20 % of events)', routed: ['order.placed'] },
  { name: 'no event published (no journey catches these types)', routed: [] },
];

export interface IngestionResult {
  scenario: string;
  eventsPerSecond: number;
  batchP50: number;
  batchP99: number;
  backlogAtEnd: number;
  leftAfterDrain: number;
  routedPerSecond?: number;
}

/** Runs every scenario on fresh databases of `server`; also printed as it goes. */
export async function runEventIngestion(server: string): Promise<IngestionResult[]> {
  SERVER = server;
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}`);
  console.log(`${TOTAL.toLocaleString('en')} events in batches of ${BATCH}, ${CLIENTS} batches in flight, ${CUSTOMERS.toLocaleString('en')} customers (10 % of events anonymous, 20 % purchases)\n`);
  const bodies = Array.from({ length: Math.ceil(TOTAL / BATCH) }, (_, b) => JSON.stringify({ events: makeBatch(b) }));
  const results: IngestionResult[] = [];
  for (const scenario of SCENARIOS) results.push(await run(scenario, bodies));
  return results;
}

async function run(scenario: Scenario, bodies: string[]): Promise<IngestionResult> {
  const name = `travesia_bench_events_${Date.now().toString(36)}`;
  await onServer(`create database ${name}`);
  const databaseUrl = `${SERVER.replace(/\/[^/]*$/, '')}/${name}`;
  const adminKey = `trv_${randomBytes(32).toString('base64url')}`;
  const app = await bootstrap({ NODE_ENV: 'production', LOG_LEVEL: 'warn', ROLE: 'all', PORT: '0', ENGINE_GRPC_PORT: String(26_600 + Math.floor(Math.random() * 1_000)), DATABASE_URL: databaseUrl, ADMIN_API_KEY: adminKey });
  try {
    if (scenario.routed) app.get(MessageRoutingTableService).replaceCatchableNames(scenario.routed);
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const key = await clientKey(url, adminKey);

    // Warm up the JIT, the connection pool and the plans.
    for (let b = 0; b < 5; b++) await postBatch(url, key, JSON.stringify({ events: makeBatch(1_000 + b) }));
    await drain(databaseUrl, DRAIN_TIMEOUT_MS);

    const latencies: number[] = [];
    let next = 0;
    let accepted = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let b = next++; b < bodies.length; b = next++) {
          const t = performance.now();
          const result = await postBatch(url, key, bodies[b]);
          accepted += result.accepted;
          latencies.push(performance.now() - t);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const backlogAtEnd = await backlog(databaseUrl);
    const drainStarted = performance.now();
    const left = await drain(databaseUrl, DRAIN_TIMEOUT_MS);
    const drainSeconds = (performance.now() - drainStarted) / 1000;

    console.log(`## ${scenario.name}`);
    console.log(`  ${accepted.toLocaleString('en')} events accepted in ${round(seconds, 2)} s: ${Math.round(accepted / seconds).toLocaleString('en')} events/s`);
    console.log(`  batch latency p50 ${round(percentile(latencies, 50), 1)} ms, p99 ${round(percentile(latencies, 99), 1)} ms`);
    console.log(
      `  outbox: ${backlogAtEnd.toLocaleString('en')} not routed yet when ingestion ended, ${left.toLocaleString('en')} ${round(drainSeconds, 1)} s later` +
        (backlogAtEnd > left ? ` (${Math.round((backlogAtEnd - left) / drainSeconds).toLocaleString('en')} events routed/s once ingestion stopped)` : ''),
    );
    return {
      scenario: scenario.name,
      eventsPerSecond: accepted / seconds,
      batchP50: percentile(latencies, 50),
      batchP99: percentile(latencies, 99),
      backlogAtEnd,
      leftAfterDrain: left,
      routedPerSecond: backlogAtEnd > left ? (backlogAtEnd - left) / drainSeconds : undefined,
    };
  } finally {
    await app.close();
    await onServer(`drop database if exists ${name} with (force)`);
  }
}

/** Events of batch `b`: 90 % for identified customers, 10 % anonymous; one in five a purchase. */
function makeBatch(b: number): object[] {
  const now = Date.now();
  return Array.from({ length: BATCH }, (_, i) => {
    const n = b * BATCH + i;
    const who = n % 10 === 0 ? { anonymousId: `anon-${n % (CUSTOMERS / 10)}` } : { customerId: `customer-${(n * 7919) % CUSTOMERS}` };
    const purchase = n % 5 === 0;
    return {
      source: 'bench',
      eventId: `e-${n}`,
      type: purchase ? 'order.placed' : 'page.viewed',
      ...who,
      occurredAt: new Date(now - ((n * 37) % 86_400_000)).toISOString(),
      channel: n % 3 === 0 ? 'app' : 'web',
      properties: purchase ? { orderId: `o-${n}`, items: (n % 4) + 1 } : { url: `/products/${n % 500}`, referrer: 'search' },
      ...(purchase ? { revenue: ((n % 100) + 1) * 1.5, currency: 'EUR' } : {}),
    };
  });
}

async function postBatch(url: string, key: string, body: string): Promise<{ accepted: number }> {
  const response = await fetch(`${url}/api/events/batch`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body });
  if (response.status !== 200) throw new Error(`batch answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
  return (await response.json()) as { accepted: number };
}

async function clientKey(url: string, adminKey: string): Promise<string> {
  const response = await fetch(`${url}/api/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': adminKey },
    body: JSON.stringify({ name: 'bench', role: 'client' }),
  });
  return ((await response.json()) as { secret: string }).secret;
}

async function backlog(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(`select count(*) from travesia.customer_event where routed_at is null`);
    return Number(rows[0].count);
  } finally {
    await client.end();
  }
}

/** Waits until the dispatcher has routed everything, or the timeout; resolves with what is left. */
async function drain(databaseUrl: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let left = await backlog(databaseUrl);
  while (left > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    left = await backlog(databaseUrl);
  }
  return left;
}

async function onServer(sql: string): Promise<void> {
  const client = new Client({ connectionString: SERVER });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  void runEventIngestion(SERVER).then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
