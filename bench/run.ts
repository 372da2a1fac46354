import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { Client } from 'pg';
import { runBpmnEnginePeer } from './lib/bpmn-engine-peer';
import { startService } from './lib/service';
import { percentile, round } from './lib/stats';
import { runTravesia, type WorkerMode } from './lib/travesia-run';
import { runMemory } from './lib/memory-run';
import { runWaiting, type WaitingResult } from './lib/waiting-run';

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 200);
const WAITING = Number(process.env.BENCH_WAITING ?? 10_000);
const PENDING_TIMERS = Number(process.env.BENCH_PENDING_TIMERS ?? 100_000);
const TIMER_PROBES = Number(process.env.BENCH_TIMER_PROBES ?? 1_000);
const RESULTS = join(__dirname, '..', '..', 'bench', 'RESULTS.md');

interface Row {
  name: string;
  instancesPerSecond: number;
  p50: number;
  p99: number;
}

async function travesia(mode: WorkerMode): Promise<Row> {
  const service = await startService();
  try {
    await runTravesia(service.grpcAddress, 1_000, CONCURRENCY, mode, []);
    const latencies: number[] = [];
    const result = await runTravesia(service.grpcAddress, INSTANCES, CONCURRENCY, mode, latencies);
    return {
      name: `Travesía embedded engine, durable (PostgreSQL), worker: ${mode === 'stream' ? 'job stream' : 'long polling'}`,
      instancesPerSecond: result.instancesPerSecond,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    };
  } finally {
    await service.stop();
  }
}

async function waiting(): Promise<WaitingResult> {
  const service = await startService();
  try {
    return await runWaiting(service.grpcAddress, service.pid, {
      waiting: WAITING,
      pendingTimers: PENDING_TIMERS,
      probes: TIMER_PROBES,
      concurrency: CONCURRENCY,
      databaseUrl: service.databaseUrl,
    });
  } finally {
    await service.stop();
  }
}

/** A database for the in-process memory run: on BENCH_DATABASE_URL's server, else the embedded one of a throwaway service. */
async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const server = process.env.BENCH_DATABASE_URL;
  if (server) {
    const name = `travesia_bench_mem_${Date.now().toString(36)}`;
    const admin = new Client({ connectionString: server });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    return {
      url: `${server.replace(/\/[^/]*$/, '')}/${name}`,
      drop: async () => {
        const client = new Client({ connectionString: server });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      },
    };
  }
  const service = await startService({ role: 'api' });
  return { url: service.databaseUrl.replace(/\/travesia$/, '/postgres'), drop: () => service.stop() };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  rows.push(await travesia('stream'));
  rows.push(await travesia('poll'));
  const peerLatencies: number[] = [];
  const peer = await runBpmnEnginePeer(INSTANCES, CONCURRENCY, peerLatencies);
  const peerRow: Row = {
    name: 'bpmn-engine 25 (reference peer), in memory, same process',
    instancesPerSecond: peer.instancesPerSecond,
    p50: peer.p50Ms,
    p99: peer.p99Ms,
  };
  rows.push(peerRow);
  const best = Math.max(rows[0].instancesPerSecond, rows[1].instancesPerSecond);
  const w = await waiting();
  const memoryDb = await freshDatabase();
  const m = await runMemory(memoryDb.url, PENDING_TIMERS).finally(() => memoryDb.drop());
  const table = rows
    .map((r) => `| ${r.name} | ${Math.round(r.instancesPerSecond)} | ${round(r.instancesPerSecond / peerRow.instancesPerSecond, 1)}× | ${round(r.p50, 2)} | ${round(r.p99, 2)} |`)
    .join('\n');
  const markdown = `# Benchmark results

Written by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}; machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.

## Process instances per second: start → service task → end

${INSTANCES.toLocaleString('en')} instances, ${CONCURRENCY} creations in flight. Travesía runs as its own process (\`ROLE=engine\`, embedded PostgreSQL or BENCH_DATABASE_URL), and the benchmark drives it through the official Zeebe client (@camunda8/sdk) over gRPC: one CreateProcessInstance per instance, one CompleteJob per job, every batch committed to PostgreSQL before it is acknowledged. bpmn-engine runs the same diagram in memory in the benchmark process, with nothing persisted and no network. Latency: create sent → job delivered to the worker (Travesía); start → service task called (bpmn-engine).

| engine | instances/s | vs bpmn-engine | p50 ms | p99 ms |
|---|---:|---:|---:|---:|
${table}

Ratio (best Travesía mode / bpmn-engine): **${round(best / peerRow.instancesPerSecond, 1)}×** (target ≥ 3×; later 10×).

## Waiting instances: messages, timers, memory

One service process, in this order:

| measure | result |
|---|---:|
| messages published per second, each correlating to one of ${w.waitingForMessages.toLocaleString('en')} waiting instances (keyed per instance, ${CONCURRENCY} in flight, TTL 0) | ${Math.round(w.messagesPerSecond)} msg/s |
| instances continued by those messages (PROCESS_MESSAGE_SUBSCRIPTION CORRELATED records) | ${w.correlated.toLocaleString('en')} of ${w.waitingForMessages.toLocaleString('en')} |
| service RSS with ${w.pendingTimers.toLocaleString('en')} instances waiting on timers (plus the message instances above, completed) | ${Math.round(w.rssMb)} MB |
| engine live heap per waiting instance, after a full GC (engine + gateway in process, ${m.waiting.toLocaleString('en')} waiting) | ${Math.round(m.bytesPerInstance)} bytes (${Math.round(m.liveHeapMb)} MB heap in all) |
| timer lateness with ${w.pendingTimers.toLocaleString('en')} timers pending: due date → the next job delivered to a worker, p50 / p99 / max (${w.probes} probe timers due over ${Math.round(w.probes / 100)} s) | ${w.latenessP50} / ${w.latenessP99} / ${w.latenessMax} ms |
| earliest probe (a timer never fires before its due date) | ${w.earliest} ms after due |

The RSS is what the operating system sees; most of it is garbage V8 has not collected yet (it
grows the heap lazily while allocation is high). The live-heap row is what stays reachable.
`;
  writeFileSync(RESULTS, markdown);
  process.stdout.write(markdown);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
