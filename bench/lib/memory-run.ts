import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { Engine, SystemClock } from '../../src/engine';
import { FeelEvaluator } from '../../src/engine/feel';
import { PgEngineStore } from '../../src/engine-store/pg-engine-store';
import { GatewayServer } from '../../src/gateway';
import { runWaiting } from './waiting-run';

export interface MemoryResult {
  waiting: number;
  bytesPerInstance: number;
  liveHeapMb: number;
}

/**
 * The engine's live memory per waiting instance: the engine and its gateway run in this
 * process (with --expose-gc), instances wait on timers, and the heap is measured after a full
 * collection — what the service's RSS would settle to if V8 collected eagerly.
 */
export async function runMemory(databaseUrl: string, waiting: number): Promise<MemoryResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the benchmark with node --expose-gc');
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    migrations: [path.join(__dirname, '..', '..', 'migrations', '*.js')],
    migrationsTableName: 'travesia_migrations',
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
  const store = new PgEngineStore(databaseUrl);
  await store.acquireLock();
  const clock = new SystemClock();
  const engine = await Engine.start({ store, clock, expressions: new FeelEvaluator({ clock }) });
  const gateway = new GatewayServer(engine, { host: '127.0.0.1', port: 0 });
  await gateway.start();
  try {
    gc();
    const before = process.memoryUsage().heapUsed;
    await runWaiting(gateway.address, process.pid, { waiting: 1, pendingTimers: waiting, probes: 1, concurrency: 200, databaseUrl });
    gc();
    gc();
    const after = process.memoryUsage().heapUsed;
    return { waiting, bytesPerInstance: (after - before) / waiting, liveHeapMb: after / 2 ** 20 };
  } finally {
    await gateway.stop(100);
    await engine.close();
    await store.close();
  }
}
