import { Camunda8 } from '@camunda8/sdk';
import { Pool } from 'pg';
import { findFreePort } from '../../src/repositories/tcp-port';
import { oneTaskProcess } from '../helpers/bpmn';
import { startServiceProcess, type ServiceProcess } from '../helpers/service-process';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

const INSTANCES = 1000;
const KILL_AFTER = 300;
const CONCURRENCY = 40;

/**
 * The durability promise: an instance whose creation was acknowledged exists after a crash.
 * The real service runs as a child process and is killed with SIGKILL in the middle of a run;
 * after a restart every acknowledged instance must complete.
 */
describe('crash recovery (SIGKILL during a run)', () => {
  let database: TestDatabase;
  let db: Pool;
  let service: ServiceProcess | undefined;
  let camunda: Camunda8;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new Pool({ connectionString: database.url, max: 2 });
    const grpcPort = await findFreePort();
    env = { DATABASE_URL: database.url, ENGINE_GRPC_PORT: String(grpcPort), LOG_LEVEL: 'warn' };
    service = await startServiceProcess(env);
    camunda = new Camunda8({
      ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${grpcPort}`,
      zeebeGrpcSettings: {
        ZEEBE_CLIENT_LOG_LEVEL: 'NONE',
        ZEEBE_GRPC_CLIENT_CONNECTION_TOLERANCE_MS: 0,
        ZEEBE_GRPC_CLIENT_MAX_RETRIES: 0,
        ZEEBE_GRPC_WORKER_LONGPOLL_SECONDS: 2,
        ZEEBE_GRPC_WORKER_POLL_INTERVAL_MS: 50,
        CAMUNDA_JOB_WORKER_MAX_BACKOFF_MS: 500,
      },
    } as never);
  }, 90_000);

  afterAll(async () => {
    await camunda?.closeAllClients().catch(() => undefined);
    await service?.stop('SIGTERM');
    await db?.end();
    await database?.drop();
  }, 60_000);

  it('should complete every acknowledged instance after a kill -9 and a restart', async () => {
    // given a worker that completes every job, across the crash
    const zeebe = camunda.getZeebeGrpcApiClient();
    await zeebe.deployResource({ process: Buffer.from(oneTaskProcess('crash-test', 'crash-work')), name: 'crash-test.bpmn' });
    zeebe.createWorker({
      taskType: 'crash-work',
      maxJobsToActivate: 64,
      timeout: 5_000,
      taskHandler: (job) => job.complete({ done: true }),
    });

    // when instances are created until the service is killed, then after its restart
    const acknowledged = new Set<string>();
    let attempted = 0;
    let killed = false;
    const create = async (): Promise<void> => {
      while (attempted < INSTANCES) {
        if (killed && !service) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        attempted++;
        try {
          const { processInstanceKey } = await zeebe.createProcessInstance({ bpmnProcessId: 'crash-test', variables: { n: attempted } });
          acknowledged.add(processInstanceKey);
        } catch {
          // Not acknowledged (the service was going down): the client may not count on it.
          attempted--;
        }
        if (!killed && acknowledged.size >= KILL_AFTER) {
          killed = true;
          const victim = service!;
          service = undefined;
          await victim.stop('SIGKILL');
          service = await startServiceProcess(env);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, create));
    expect(killed).toBe(true);

    // then every acknowledged instance completes, exactly once
    const deadline = Date.now() + 60_000;
    let completed = 0;
    while (Date.now() < deadline) {
      const { rows } = await db.query<{ n: string }>(
        `select count(distinct process_instance_key) as n from engine.record
          where value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_COMPLETED' and bpmn_element_type = 'PROCESS'
            and process_instance_key = any($1::bigint[])`,
        [[...acknowledged]],
      );
      completed = Number(rows[0].n);
      if (completed === acknowledged.size) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(acknowledged.size).toBe(INSTANCES);
    expect(completed).toBe(acknowledged.size);
    const twice = await db.query(
      `select process_instance_key from engine.record
        where value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_COMPLETED' and bpmn_element_type = 'PROCESS'
        group by process_instance_key having count(*) > 1`,
    );
    expect(twice.rows).toEqual([]);
    const leftovers = await db.query(`select count(*)::int as n from engine.element_instance`);
    expect(leftovers.rows[0].n).toBe(0);
  }, 180_000);
});
