import { Camunda8 } from '@camunda8/sdk';
import { Pool } from 'pg';
import { findFreePort } from '../../src/repositories/tcp-port';
import { processBuilder } from '../helpers/bpmn';
import { catchEvent, eventDocument, message, messageDefinition, timerDefinition } from '../helpers/event-bpmn';
import { startServiceProcess, type ServiceProcess } from '../helpers/service-process';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

const WAITING_FOR_MESSAGE = 15;
const WAITING_FOR_TIMER = 15;
const BUFFERED = 10;
/** The timers' durations: the kill falls between the first ones and the last ones. */
const DELAYS = ['PT2S', 'PT3S', 'PT4S', 'PT5S', 'PT6S'];
const KILL_AFTER_MS = 2_500;

/**
 * Durability of what waits: the real service is killed with SIGKILL while instances wait on
 * message catch events, timers are pending and messages are buffered. After a restart nothing
 * acknowledged is lost, every timer fires exactly once and every message correlates exactly once.
 */
describe('waiting instances survive a crash (SIGKILL)', () => {
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
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      zeebeGrpcSettings: {
        ZEEBE_CLIENT_LOG_LEVEL: 'NONE',
        ZEEBE_GRPC_CLIENT_CONNECTION_TOLERANCE_MS: 0,
        ZEEBE_GRPC_CLIENT_MAX_RETRIES: 0,
      },
    } as never);
  }, 90_000);

  afterAll(async () => {
    await camunda?.closeAllClients().catch(() => undefined);
    await service?.stop('SIGTERM');
    await db?.end();
    await database?.drop();
  }, 60_000);

  it('should keep waiting instances, fire each timer once and correlate each buffered message once after a kill -9', async () => {
    // given: instances waiting on a message, on timers, and on a timer followed by a message that is already buffered
    const zeebe = camunda.getZeebeGrpcApiClient();
    const messages = [message('paidMsg', 'crash.paid', '=orderId'), message('confirmedMsg', 'crash.confirmed', '=orderId')];
    const processes = [
      processBuilder('crash-message').start().raw(catchEvent('paid', messageDefinition('paidMsg'))).end().chain('start', 'paid', 'end'),
      processBuilder('crash-timer').start().raw(catchEvent('delay', timerDefinition({ duration: '=delay' }))).end().chain('start', 'delay', 'end'),
      processBuilder('crash-buffered')
        .start()
        .raw(catchEvent('pause', timerDefinition({ duration: 'PT4S' })))
        .raw(catchEvent('confirmed', messageDefinition('confirmedMsg')))
        .end()
        .chain('start', 'pause', 'confirmed', 'end'),
    ];
    for (const process of processes) {
      await zeebe.deployResource({ process: Buffer.from(eventDocument(process, ...messages)), name: `${process.id}.bpmn` });
    }
    const startedAt = Date.now();
    const create = (bpmnProcessId: string, variables: Record<string, string>) =>
      zeebe.createProcessInstance({ bpmnProcessId, variables }).then((r) => r.processInstanceKey);
    const acknowledged = await Promise.all([
      ...Array.from({ length: WAITING_FOR_TIMER }, (_, i) => create('crash-timer', { delay: DELAYS[i % DELAYS.length] })),
      ...Array.from({ length: WAITING_FOR_MESSAGE }, (_, i) => create('crash-message', { orderId: `m-${i}` })),
      ...Array.from({ length: BUFFERED }, (_, i) => create('crash-buffered', { orderId: `b-${i}` })),
    ]);
    const bufferedKeys = await Promise.all(
      Array.from({ length: BUFFERED }, (_, i) =>
        zeebe.publishMessage({ name: 'crash.confirmed', correlationKey: `b-${i}`, timeToLive: 120_000, variables: { confirmed: i } }).then((r) => r.key),
      ),
    );

    // when: killed while timers are falling due, then restarted
    await sleep(Math.max(0, startedAt + KILL_AFTER_MS - Date.now()));
    const before = await db.query<{ triggered: number; correlated: number }>(
      `select count(*) filter (where value_type = 'TIMER' and intent = 'TRIGGERED')::int as triggered,
              count(*) filter (where value_type = 'PROCESS_MESSAGE_SUBSCRIPTION' and intent = 'CORRELATED')::int as correlated
         from engine.record`,
    );
    const victim = service!;
    service = undefined;
    await victim.stop('SIGKILL');
    service = await startServiceProcess(env);
    // and the awaited messages are published after the restart
    for (let i = 0; i < WAITING_FOR_MESSAGE; i++) {
      await retry(() => zeebe.publishMessage({ name: 'crash.paid', correlationKey: `m-${i}`, timeToLive: 60_000, variables: { paid: i } }));
    }

    // then: the kill did come while timers were pending and the buffered messages were not yet taken
    expect(before.rows[0].triggered).toBeLessThan(WAITING_FOR_TIMER + BUFFERED);
    expect(before.rows[0].correlated).toBe(0);
    // and every acknowledged instance completes, exactly once
    const deadline = Date.now() + 30_000;
    let completed = 0;
    while (Date.now() < deadline) {
      const { rows } = await db.query<{ n: string }>(
        `select count(distinct process_instance_key) as n from engine.record
          where value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_COMPLETED' and bpmn_element_type = 'PROCESS'
            and process_instance_key = any($1::bigint[])`,
        [acknowledged],
      );
      completed = Number(rows[0].n);
      if (completed === acknowledged.length) break;
      await sleep(200);
    }
    expect(completed).toBe(acknowledged.length);
    expect(await repeated(`value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_COMPLETED' and bpmn_element_type = 'PROCESS'`, 'process_instance_key')).toEqual([]);
    expect(await repeated(`value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_COMPLETED' and element_id in ('paid', 'confirmed', 'delay', 'pause')`, 'key')).toEqual([]);

    // and each timer was created once per waiting element and triggered exactly once
    const timers = await db.query<{ key: string; triggered: number }>(
      `select key::text, count(*) filter (where intent = 'TRIGGERED')::int as triggered from engine.record
        where value_type = 'TIMER' group by key having count(*) filter (where intent = 'CREATED') > 0`,
    );
    expect(timers.rows).toHaveLength(WAITING_FOR_TIMER + BUFFERED);
    expect(timers.rows.filter((t) => t.triggered !== 1)).toEqual([]);

    // and each message subscription correlated exactly once, each buffered message to one instance
    const subscriptions = await db.query<{ key: string; correlated: number; message_keys: string[] }>(
      `select key::text, count(*) filter (where intent = 'CORRELATED')::int as correlated,
              array_agg(value->>'messageKey') filter (where intent = 'CORRELATED') as message_keys
         from engine.record where value_type = 'PROCESS_MESSAGE_SUBSCRIPTION' group by key`,
    );
    expect(subscriptions.rows).toHaveLength(WAITING_FOR_MESSAGE + BUFFERED);
    expect(subscriptions.rows.filter((s) => s.correlated !== 1)).toEqual([]);
    const correlatedMessages = subscriptions.rows.flatMap((s) => s.message_keys);
    for (const key of bufferedKeys) expect(correlatedMessages.filter((k) => k === key)).toHaveLength(1);

    // and the messages' variables arrived
    const variables = await db.query<{ name: string; n: string }>(
      `select value->>'name' as name, count(distinct process_instance_key)::text as n from engine.record
        where value_type = 'VARIABLE' and intent = 'CREATED' and value->>'name' in ('paid', 'confirmed') group by 1 order by 1`,
    );
    expect(variables.rows).toEqual([
      { name: 'confirmed', n: String(BUFFERED) },
      { name: 'paid', n: String(WAITING_FOR_MESSAGE) },
    ]);
    const leftovers = await db.query(`select count(*)::int as n from engine.element_instance`);
    expect(leftovers.rows[0].n).toBe(0);
  }, 150_000);

  /** Values of `column` that occur more than once among the records matching `where`. */
  async function repeated(where: string, column: string): Promise<string[]> {
    const { rows } = await db.query<{ v: string }>(`select ${column}::text as v from engine.record where ${where} group by 1 having count(*) > 1`);
    return rows.map((r) => r.v);
  }
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retries a call while the restarted service's gateway is not accepting yet. */
async function retry<T>(fn: () => Promise<T>, attempts = 50): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= attempts) throw error;
      await sleep(200);
    }
  }
}
