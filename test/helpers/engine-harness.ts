import { Camunda8 } from '@camunda8/sdk';
import { Pool } from 'pg';
import { Engine, ManualClock, SystemClock, type Clock } from '../../src/engine';
import { FeelEvaluator } from '../../src/engine/feel/feel-evaluator';
import { PgEngineStore } from '../../src/engine-store/pg-engine-store';
import { GatewayServer } from '../../src/gateway';
import { runMigrations } from './migrate';
import { createTestDatabase, type TestDatabase } from './test-database';

export type ZeebeClient = ReturnType<Camunda8['getZeebeGrpcApiClient']>;

export interface EngineHarness {
  engine: Engine;
  gateway: GatewayServer;
  zeebe: ZeebeClient;
  /** grpc://127.0.0.1:<port> */
  address: string;
  db: Pool;
  clock: Clock;
  /** Stops engine and gateway (not the database) and starts them again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  clock?: Clock;
  defaultLongPollMs?: number;
}

/**
 * The embedded engine behind its real gRPC gateway on a fresh PostgreSQL database, and the
 * official Zeebe client connected to it — the same path the service uses.
 */
export async function startEngineHarness(options: HarnessOptions = {}): Promise<EngineHarness> {
  const database: TestDatabase = await createTestDatabase();
  await runMigrations(database.url);
  const clock = options.clock ?? new SystemClock();
  let store = new PgEngineStore(database.url);
  await store.acquireLock();
  let engine = await Engine.start({
    store,
    clock,
    expressions: new FeelEvaluator({ clock }),
    defaultLongPollMs: options.defaultLongPollMs,
  });
  let gateway = new GatewayServer(engine, { host: '127.0.0.1', port: 0 });
  await gateway.start();
  const port = gateway.port;
  const address = `grpc://127.0.0.1:${port}`;
  const camunda = new Camunda8({
    ZEEBE_GRPC_ADDRESS: address,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    zeebeGrpcSettings: {
      ZEEBE_CLIENT_LOG_LEVEL: 'NONE',
      ZEEBE_GRPC_CLIENT_CONNECTION_TOLERANCE_MS: 0,
      ZEEBE_GRPC_CLIENT_MAX_RETRIES: 0,
      ZEEBE_GRPC_WORKER_LONGPOLL_SECONDS: 5,
      ZEEBE_GRPC_WORKER_POLL_INTERVAL_MS: 50,
    },
  } as never);
  const zeebe = camunda.getZeebeGrpcApiClient();
  const db = new Pool({ connectionString: database.url, max: 2 });
  const harness: EngineHarness = {
    get engine() {
      return engine;
    },
    get gateway() {
      return gateway;
    },
    zeebe,
    address,
    db,
    clock,
    restart: async () => {
      await gateway.stop(100);
      await engine.close();
      await store.close();
      store = new PgEngineStore(database.url);
      await store.acquireLock();
      engine = await Engine.start({ store, clock, expressions: new FeelEvaluator({ clock }), defaultLongPollMs: options.defaultLongPollMs });
      gateway = new GatewayServer(engine, { host: '127.0.0.1', port });
      await gateway.start();
    },
    close: async () => {
      await zeebe.close().catch(() => undefined);
      await gateway.stop(100);
      await engine.close();
      await store.close();
      await db.end();
      await database.drop();
    },
  };
  return harness;
}

export { ManualClock };
