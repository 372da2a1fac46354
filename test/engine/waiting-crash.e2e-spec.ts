import { Camunda8 } from '@camunda8/sdk';
import { Pool } from 'pg';
import { findFreePort } from '../../src/repositories/tcp-port';
import { processBuilder } from '../helpers/bpmn';
import { catchEvent, eventDocument, message, messageDefinition, startEvent, timerDefinition } from '../helpers/event-bpmn';
import { startServiceProcess, type ServiceProcess } from '../helpers/service-process';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { eventually } from '../helpers/until';

/** Timers that fire before the kill, and timers that are still pending at the kill. */
const EARLY_TIMERS = 5;
const LATE_TIMERS = 10;
const EARLY = 'PT1S';
/** Long enough that the kill (after the early events, a second or two in) always comes first. */
const LATE = 'PT10S';
const WAITING_FOR_MESSAGE = 15;
/** Of the instances waiting for a message, those whose message comes (buffered, 2 min) before the kill. */
const PAID_BEFORE_KILL = 5;
/** Instances that wait LATE, then take a message buffered before the kill. */
const BUFFERED = 10;
/** The time to live of a message that nothing takes and that expires while the service is down. */
const EXPIRING_TTL_MS = 2_000;

type Zeebe = ReturnType<Camunda8['getZeebeGrpcApiClient']>;

/**
 * Durability of what waits: the real service is killed with SIGKILL after some timers fired and
 * some messages correlated, while other instances wait on message catch events, timers are
 * pending, messages are buffered and a message-started instance is active. After a restart
 * nothing acknowledged is lost, no timer fires twice and no message correlates twice.
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

  it('should fire no timer and correlate no message twice after a kill -9 that came between timers and correlations', async () => {
    // given: instances waiting on timers, on messages, on a timer followed by a buffered message, and one started by a message
    const zeebe = camunda.getZeebeGrpcApiClient();
    await deployAll(zeebe);
    const startedAt = Date.now();
    const create = (bpmnProcessId: string, variables: Record<string, string>) =>
      zeebe.createProcessInstance({ bpmnProcessId, variables }).then((r) => r.processInstanceKey);
    const acknowledged = await Promise.all([
      ...Array.from({ length: EARLY_TIMERS }, () => create('crash-timer', { delay: EARLY })),
      ...Array.from({ length: LATE_TIMERS }, () => create('crash-timer', { delay: LATE })),
      ...Array.from({ length: WAITING_FOR_MESSAGE }, (_, i) => create('crash-message', { orderId: `m-${i}` })),
      ...Array.from({ length: BUFFERED }, (_, i) => create('crash-buffered', { orderId: `b-${i}` })),
    ]);
    const publish = (name: string, correlationKey: string, timeToLive: number, variables: Record<string, string | number> = {}) =>
      zeebe.publishMessage({ name, correlationKey, timeToLive, variables }).then((r) => r.key);
    const bufferedKeys = await Promise.all(Array.from({ length: BUFFERED }, (_, i) => publish('crash.confirmed', `b-${i}`, 120_000, { confirmed: i })));
    const paidBeforeKill = await Promise.all(Array.from({ length: PAID_BEFORE_KILL }, (_, i) => publish('crash.paid', `m-${i}`, 120_000, { paid: i })));
    const firstStart = await publish('crash.started', 's-1', 120_000, { customerId: 's-1', n: 1 });
    const expiringAt = Date.now() + EXPIRING_TTL_MS;
    const expiring = await publish('crash.paid', 'x-1', EXPIRING_TTL_MS, { paid: 'late' });

    // when: killed once the early timers fired and the early messages correlated
    await eventually('the early timers to fire', async () => (await counts()).timersTriggered >= EARLY_TIMERS, 8_000);
    const before = await counts();
    const killedAfterMs = Date.now() - startedAt;
    const victim = service!;
    service = undefined;
    await victim.stop('SIGKILL');
    // and restarted after the expiring message's time to live is over
    await sleep(Math.max(0, expiringAt + 500 - Date.now()));
    service = await startServiceProcess(env);

    // then: the kill came after some timers fired and some messages correlated, and before the others
    expect(killedAfterMs).toBeLessThan(10_000);
    expect(before).toEqual({
      timersTriggered: EARLY_TIMERS,
      correlatedByProcess: { 'crash-message': PAID_BEFORE_KILL },
      messageSideCorrelated: PAID_BEFORE_KILL,
      startsCorrelated: 1,
    });

    // when: after the restart, instances of the same process wait for a message correlated before the kill and for the expired one
    const alreadyTaken = await retry(() => create('crash-message', { orderId: 'm-0' }));
    const expired = await create('crash-message', { orderId: 'x-1' });
    // then neither takes it
    expect(await correlatedTo(alreadyTaken)).toEqual([]);
    expect(await correlatedTo(expired)).toEqual([]);
    expect(await messageIntents(expiring)).toEqual(['PUBLISHED', 'EXPIRED']);

    // when: a second registration for the message-started instance's key arrives while it is active
    const secondStart = await publish('crash.started', 's-1', 120_000, { customerId: 's-1', n: 2 });
    // then it starts no instance yet
    expect(await startedInstances()).toHaveLength(1);

    // when: the rest of the messages arrive, the message-started instances finish and the probes get fresh messages
    for (let i = PAID_BEFORE_KILL; i < WAITING_FOR_MESSAGE; i++) await publish('crash.paid', `m-${i}`, 60_000, { paid: i });
    await publish('crash.finished', 's-1', 0);
    expect(await startedInstances()).toHaveLength(2);
    await publish('crash.finished', 's-1', 0);
    const freshForTaken = await publish('crash.paid', 'm-0', 0, { paid: 'again' });
    const freshForExpired = await publish('crash.paid', 'x-1', 0, { paid: 'fresh' });

    // then every acknowledged instance completes, exactly once
    const started = await startedInstances();
    const all = [...acknowledged, ...started, alreadyTaken, expired];
    await eventually('every instance to complete', async () => (await completedAmong(all)) === all.length, 30_000).catch(() => undefined);
    expect(await completedAmong(all)).toBe(all.length);
    expect(await repeated(`value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_COMPLETED' and bpmn_element_type = 'PROCESS'`, 'process_instance_key')).toEqual([]);
    expect(await repeated(`value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_COMPLETED' and element_id in ('paid', 'confirmed', 'delay', 'pause', 'finished')`, 'key')).toEqual([]);

    // and each timer was created once per waiting element and triggered exactly once
    const timers = await db.query<{ key: string; triggered: number }>(
      `select key::text, count(*) filter (where intent = 'TRIGGERED')::int as triggered from engine.record
        where value_type = 'TIMER' group by key having count(*) filter (where intent = 'CREATED') > 0`,
    );
    expect(timers.rows).toHaveLength(EARLY_TIMERS + LATE_TIMERS + BUFFERED);
    expect(timers.rows.filter((t) => t.triggered !== 1)).toEqual([]);

    // and each subscription correlated exactly once, on both sides
    for (const valueType of ['PROCESS_MESSAGE_SUBSCRIPTION', 'MESSAGE_SUBSCRIPTION']) {
      const subscriptions = await db.query<{ key: string; correlated: number }>(
        `select key::text, count(*) filter (where intent = 'CORRELATED')::int as correlated from engine.record where value_type = $1 group by key`,
        [valueType],
      );
      expect(subscriptions.rows).toHaveLength(WAITING_FOR_MESSAGE + BUFFERED + started.length + 2);
      expect(subscriptions.rows.filter((s) => s.correlated !== 1)).toEqual([]);
    }
    // and each message correlated at most once, the expired one never
    const correlations = await db.query<{ message_key: string; n: number }>(
      `select value->>'messageKey' as message_key, count(*)::int as n from engine.record
        where value_type in ('PROCESS_MESSAGE_SUBSCRIPTION', 'MESSAGE_START_EVENT_SUBSCRIPTION') and intent = 'CORRELATED' group by 1`,
    );
    const timesCorrelated = new Map(correlations.rows.map((r) => [r.message_key, r.n]));
    expect(correlations.rows.filter((r) => r.n !== 1)).toEqual([]);
    for (const key of [...bufferedKeys, ...paidBeforeKill, firstStart, secondStart, freshForTaken, freshForExpired]) expect([key, timesCorrelated.get(key)]).toEqual([key, 1]);
    expect(timesCorrelated.has(expiring)).toBe(false);
    expect(await correlatedTo(alreadyTaken)).toEqual([freshForTaken]);
    expect(await correlatedTo(expired)).toEqual([freshForExpired]);

    // and the messages' variables arrived
    const variables = await db.query<{ name: string; n: string }>(
      `select value->>'name' as name, count(distinct process_instance_key)::text as n from engine.record
        where value_type = 'VARIABLE' and intent = 'CREATED' and value->>'name' in ('paid', 'confirmed') group by 1 order by 1`,
    );
    expect(variables.rows).toEqual([
      { name: 'confirmed', n: String(BUFFERED) },
      { name: 'paid', n: String(WAITING_FOR_MESSAGE + 2) },
    ]);
    const leftovers = await db.query(`select count(*)::int as n from engine.element_instance`);
    expect(leftovers.rows[0].n).toBe(0);
  }, 150_000);

  /** What the durable log holds: fired timers, correlations per process and on the message side, message starts. */
  async function counts() {
    const { rows } = await db.query<{ value_type: string; intent: string; bpmn_process_id: string | null; n: number }>(
      `select value_type, intent, value->>'bpmnProcessId' as bpmn_process_id, count(*)::int as n from engine.record
        where (value_type = 'TIMER' and intent = 'TRIGGERED') or intent = 'CORRELATED' group by 1, 2, 3`,
    );
    const sum = (valueType: string) => rows.filter((r) => r.value_type === valueType).reduce((n, r) => n + r.n, 0);
    return {
      timersTriggered: sum('TIMER'),
      correlatedByProcess: Object.fromEntries(rows.filter((r) => r.value_type === 'PROCESS_MESSAGE_SUBSCRIPTION').map((r) => [r.bpmn_process_id, r.n])),
      messageSideCorrelated: sum('MESSAGE_SUBSCRIPTION'),
      startsCorrelated: sum('MESSAGE_START_EVENT_SUBSCRIPTION'),
    };
  }

  /** Keys of the messages correlated to the instance's subscriptions. */
  async function correlatedTo(processInstanceKey: string): Promise<string[]> {
    const { rows } = await db.query<{ message_key: string }>(
      `select value->>'messageKey' as message_key from engine.record
        where value_type = 'PROCESS_MESSAGE_SUBSCRIPTION' and intent = 'CORRELATED' and process_instance_key = $1::bigint order by position`,
      [processInstanceKey],
    );
    return rows.map((r) => r.message_key);
  }

  async function messageIntents(messageKey: string): Promise<string[]> {
    const { rows } = await db.query<{ intent: string }>(`select intent from engine.record where value_type = 'MESSAGE' and key = $1::bigint order by position`, [
      messageKey,
    ]);
    return rows.map((r) => r.intent);
  }

  /** The instances the message start event created, in order. */
  async function startedInstances(): Promise<string[]> {
    const { rows } = await db.query<{ pik: string }>(
      `select value->>'processInstanceKey' as pik from engine.record
        where value_type = 'MESSAGE_START_EVENT_SUBSCRIPTION' and intent = 'CORRELATED' order by position`,
    );
    return rows.map((r) => r.pik);
  }

  async function completedAmong(processInstanceKeys: string[]): Promise<number> {
    const { rows } = await db.query<{ n: string }>(
      `select count(distinct process_instance_key) as n from engine.record
        where value_type = 'PROCESS_INSTANCE' and intent = 'ELEMENT_COMPLETED' and bpmn_element_type = 'PROCESS'
          and process_instance_key = any($1::bigint[])`,
      [processInstanceKeys],
    );
    return Number(rows[0].n);
  }

  /** Values of `column` that occur more than once among the records matching `where`. */
  async function repeated(where: string, column: string): Promise<string[]> {
    const { rows } = await db.query<{ v: string }>(`select ${column}::text as v from engine.record where ${where} group by 1 having count(*) > 1`);
    return rows.map((r) => r.v);
  }
});

/** The waiting processes: on a timer, on a message, on a timer then a message, and one started by a message. */
async function deployAll(zeebe: Zeebe): Promise<void> {
  const messages = [
    message('paidMsg', 'crash.paid', '=orderId'),
    message('confirmedMsg', 'crash.confirmed', '=orderId'),
    message('startedMsg', 'crash.started'),
    message('finishedMsg', 'crash.finished', '=customerId'),
  ];
  const processes = [
    processBuilder('crash-message').start().raw(catchEvent('paid', messageDefinition('paidMsg'))).end().chain('start', 'paid', 'end'),
    processBuilder('crash-timer').start().raw(catchEvent('delay', timerDefinition({ duration: '=delay' }))).end().chain('start', 'delay', 'end'),
    processBuilder('crash-buffered')
      .start()
      .raw(catchEvent('pause', timerDefinition({ duration: LATE })))
      .raw(catchEvent('confirmed', messageDefinition('confirmedMsg')))
      .end()
      .chain('start', 'pause', 'confirmed', 'end'),
    processBuilder('crash-start')
      .raw(startEvent('registered', messageDefinition('startedMsg')))
      .raw(catchEvent('finished', messageDefinition('finishedMsg')))
      .end()
      .chain('registered', 'finished', 'end'),
  ];
  for (const process of processes) {
    await zeebe.deployResource({ process: Buffer.from(eventDocument(process, ...messages)), name: `${process.id}.bpmn` });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` until it holds; rejects after `timeoutMs`. */
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
