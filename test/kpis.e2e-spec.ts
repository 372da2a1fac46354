import { Pool } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { ZeebeClientRepository, type ZeebeGrpcClient } from '../src/engine-host';
import { KpiListenerWorker } from '../src/job-workers';
import { runHandler } from '../src/workers/testing/fake-job';
import { createKeys, expectAuthMatrix, type RoleKeys, withKey } from './helpers/auth';
import { createTestApp, type TestApp } from './helpers/test-app';
import { until } from './helpers/until';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Vars = Record<string, any>;
type ActivatedJob = { key: string; processInstanceKey: string; elementId: string; variables: Vars };

const PROCESS_ID = 'kpi-welcome';
const WORKER = 'kpi-e2e';

/**
 * start → split ─path = "a"→ email_a (touchpoint.email) → converted (the goal)
 *               └─default──→ sms_b (touchpoint.sms, with a template header) → done
 */
const JOURNEY_XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="definitions_kpi" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${PROCESS_ID}" name="Welcome with KPIs" isExecutable="true">
    <bpmn:startEvent id="start" name="Registered"/>
    <bpmn:exclusiveGateway id="split" name="Path?" default="toSms"/>
    <bpmn:serviceTask id="email_a" name="Welcome email"><bpmn:extensionElements><zeebe:taskDefinition type="touchpoint.email"/><zeebe:taskHeaders><zeebe:header key="template" value="welcome-a"/></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:serviceTask id="sms_b" name="Welcome SMS"><bpmn:extensionElements><zeebe:taskDefinition type="touchpoint.sms"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:endEvent id="converted" name="Converted"/>
    <bpmn:endEvent id="done" name="Done"/>
    <bpmn:sequenceFlow id="toSplit" sourceRef="start" targetRef="split"/>
    <bpmn:sequenceFlow id="toEmail" sourceRef="split" targetRef="email_a"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=path = "a"</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="toSms" sourceRef="split" targetRef="sms_b"/>
    <bpmn:sequenceFlow id="toConverted" sourceRef="email_a" targetRef="converted"/>
    <bpmn:sequenceFlow id="toDone" sourceRef="sms_b" targetRef="done"/>
  </bpmn:process>
</bpmn:definitions>`;

/** What the test drives: per instance, its branch, variant, customer and fate. */
interface Drive {
  readonly customerId: string;
  readonly path: 'a' | 'b';
  readonly variant: 'A' | 'B';
  readonly fate: 'complete' | 'cancel' | 'wait';
}

// 7 down branch A (5 A, 2 B), 3 down branch B (1 A, 2 B), 2 cancelled at the email (A, B), 1 waiting at the SMS (A).
const DRIVES: Drive[] = [
  ...['A', 'A', 'A', 'A', 'A', 'B', 'B'].map((variant, i) => ({ customerId: `cust-a${i}`, path: 'a' as const, variant: variant as 'A' | 'B', fate: 'complete' as const })),
  ...['A', 'B', 'B'].map((variant, i) => ({ customerId: `cust-b${i}`, path: 'b' as const, variant: variant as 'A' | 'B', fate: 'complete' as const })),
  { customerId: 'cust-c0', path: 'a', variant: 'A', fate: 'cancel' },
  { customerId: 'cust-c1', path: 'a', variant: 'B', fate: 'cancel' },
  // The same customer as the first instance: two journeys in one customer's history.
  { customerId: 'cust-a0', path: 'b', variant: 'A', fate: 'wait' },
];

describe('KPIs and history (e2e)', () => {
  let testApp: TestApp;
  let http: App;
  let keys: RoleKeys;
  let zeebe: ZeebeGrpcClient;
  let db: Pool;
  let journey: Body;
  const instances = new Map<Drive, string>();

  const as = (role: keyof RoleKeys) => withKey(http, keys[role]);

  /** Long-polls until `count` jobs of `type` are activated. */
  async function activateAll(type: string, count: number): Promise<ActivatedJob[]> {
    const jobs: ActivatedJob[] = [];
    const deadline = Date.now() + 20_000;
    while (jobs.length < count && Date.now() < deadline) {
      const batch = (await zeebe.activateJobs({ type, worker: WORKER, timeout: 60_000, maxJobsToActivate: count - jobs.length, requestTimeout: 1_000 } as never)) as never as ActivatedJob[];
      jobs.push(...batch);
    }
    if (jobs.length !== count) throw new Error(`Expected ${count} jobs of ${type}, got ${jobs.length}`);
    return jobs;
  }

  const kpis = async (query = '') => (await as('owner').get(`/api/journeys/${journey.id}/kpis${query}`).expect(200)).body as Body;
  const element = (body: Body, id: string) => body.elements.find((e: Body) => e.elementId === id);
  const counts = (e: Body) => ({ entered: e.entered, completed: e.completed, inFlight: e.inFlight, dropped: e.dropped });
  const pik = (predicate: (drive: Drive) => boolean) => instances.get(DRIVES.find(predicate)!)!;
  const kpisOf = async (journeyId: string, query = '') => (await as('owner').get(`/api/journeys/${journeyId}/kpis${query}`).expect(200)).body as Body;
  const elementCounts = (body: Body) => body.elements.map((e: Body) => [e.elementId, counts(e)]);

  /** Creates a journey through the API and deploys `xml` as its version 1. */
  async function deployedJourney(processId: string, goal: object, xml: string): Promise<Body> {
    const created = (await as('analyst').post('/api/journeys', { processId, name: `Journey ${processId}`, goal }).expect(201)).body;
    await as('analyst').post(`/api/journeys/${created.id}/versions`, { bpmnXml: xml }).expect(201);
    await as('analyst').post(`/api/journeys/${created.id}/versions/1/deploy`).expect(201);
    return created;
  }

  /** Whether the KPI listeners reported the end of the process instance. */
  async function ended(processInstanceKey: string): Promise<boolean> {
    const { rows } = await db.query(`select count(*)::int as n from travesia.kpi_event where element_instance_key = $1 and phase = 'end'`, [processInstanceKey]);
    return rows[0].n === 1;
  }

  beforeAll(async () => {
    testApp = await createTestApp();
    http = testApp.app.getHttpServer();
    keys = await createKeys(testApp);
    zeebe = testApp.app.get(ZeebeClientRepository).client;
    db = new Pool({ connectionString: testApp.databaseUrl, max: 2 });

    // given: customers, and the journey deployed with its goal
    for (const customerId of new Set(DRIVES.map((drive) => drive.customerId))) {
      await as('client').put(`/api/customers/${customerId}`, { attributes: { plan: 'basic' } }).expect(201);
    }
    journey = (await as('analyst').post('/api/journeys', { processId: PROCESS_ID, name: 'Welcome with KPIs', goal: { type: 'end_event', endEventId: 'converted' } }).expect(201)).body;
    await as('analyst').post(`/api/journeys/${journey.id}/versions`, { bpmnXml: JOURNEY_XML }).expect(201);
    await as('analyst').post(`/api/journeys/${journey.id}/versions/1/deploy`).expect(201);

    // when: the instances run, the KPI worker (the app's own) completing every listener job
    for (const drive of DRIVES) {
      const created = await zeebe.createProcessInstance({ bpmnProcessId: PROCESS_ID, variables: { path: drive.path, variant: drive.variant, customerId: drive.customerId } });
      instances.set(drive, String(created.processInstanceKey));
    }
    const driveOf = (job: ActivatedJob) => [...instances].find(([, key]) => key === String(job.processInstanceKey))![0];
    const emails = await activateAll('touchpoint.email', DRIVES.filter((drive) => drive.path === 'a').length);
    const smses = await activateAll('touchpoint.sms', DRIVES.filter((drive) => drive.path === 'b').length);
    // Some time in the activity, so that the percentiles measure something.
    await new Promise((resolve) => setTimeout(resolve, 30));
    for (const job of [...emails, ...smses]) {
      const drive = driveOf(job);
      if (drive.fate === 'complete') await zeebe.completeJob({ jobKey: job.key, variables: { sentAt: new Date().toISOString(), channelUsed: job.elementId } });
      if (drive.fate === 'cancel') await zeebe.cancelProcessInstance(String(job.processInstanceKey));
    }
    // then the completing instances end once their process end listener ran
    await until(
      'the instances to complete',
      async () => (await db.query(`select count(*)::int as n from travesia.kpi_event where element_instance_key = process_instance_key and phase = 'end'`)).rows[0].n as number,
      (n) => n === DRIVES.filter((drive) => drive.fate === 'complete').length,
    );
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await testApp?.close();
  });

  describe('GET /api/journeys/:id/kpis', () => {
    it('should count per element exactly what went through it', async () => {
      // when
      const body = await kpis();

      // then
      expect(body).toMatchObject({
        journeyId: journey.id,
        processId: PROCESS_ID,
        version: 1,
        from: null,
        to: null,
        variant: null,
        goal: { type: 'end_event', endEventId: 'converted' },
        goalElementIds: ['converted'],
        instances: { started: 13, completed: 10, terminated: 2, active: 1, converted: 7, conversionRate: 7 / 13 },
      });
      expect(body.elements.map((e: Body) => e.elementId)).toEqual(['start', 'split', 'email_a', 'sms_b', 'converted', 'done']);
      expect(body.elements.map((e: Body) => [e.elementId, counts(e)])).toEqual([
        ['start', { entered: 13, completed: 13, inFlight: 0, dropped: 0 }],
        ['split', { entered: 13, completed: 13, inFlight: 0, dropped: 0 }],
        ['email_a', { entered: 9, completed: 7, inFlight: 0, dropped: 2 }],
        ['sms_b', { entered: 4, completed: 3, inFlight: 1, dropped: 0 }],
        ['converted', { entered: 7, completed: 7, inFlight: 0, dropped: 0 }],
        ['done', { entered: 3, completed: 3, inFlight: 0, dropped: 0 }],
      ]);
      expect(element(body, 'email_a')).toMatchObject({ elementName: 'Welcome email', elementType: 'SERVICE_TASK' });
      expect(element(body, 'split')).toMatchObject({ elementType: 'EXCLUSIVE_GATEWAY', timeInActivity: null });
    });

    it('should measure the time in each activity, from start to end', async () => {
      const body = await kpis();
      const email = element(body, 'email_a').timeInActivity;
      expect(email.samples).toBe(7);
      expect(email.p50Ms).toBeGreaterThanOrEqual(30);
      expect(email.p95Ms).toBeGreaterThanOrEqual(email.p50Ms);
      const sms = element(body, 'sms_b').timeInActivity;
      expect(sms.samples).toBe(3);
      expect(sms.p95Ms).toBeGreaterThanOrEqual(sms.p50Ms);
      const end = element(body, 'converted').timeInActivity;
      expect(end.samples).toBe(7);
      expect(end.p50Ms).toBeGreaterThanOrEqual(0);
      expect(element(body, 'start').timeInActivity).toBeNull();
    });

    it('should split everything per A/B variant', async () => {
      // when
      const body = await kpis();
      const onlyB = await kpis('?variant=B');

      // then
      expect(body.variants.map((v: Body) => v.variant)).toEqual(['A', 'B']);
      const [a, b] = body.variants;
      expect(a.instances).toEqual({ started: 8, completed: 6, terminated: 1, active: 1, converted: 5, conversionRate: 5 / 8 });
      expect(b.instances).toEqual({ started: 5, completed: 4, terminated: 1, active: 0, converted: 2, conversionRate: 2 / 5 });
      expect(counts(element(a, 'email_a'))).toEqual({ entered: 6, completed: 5, inFlight: 0, dropped: 1 });
      expect(counts(element(a, 'sms_b'))).toEqual({ entered: 2, completed: 1, inFlight: 1, dropped: 0 });
      expect(counts(element(b, 'email_a'))).toEqual({ entered: 3, completed: 2, inFlight: 0, dropped: 1 });
      expect(counts(element(b, 'sms_b'))).toEqual({ entered: 2, completed: 2, inFlight: 0, dropped: 0 });
      expect(onlyB).toMatchObject({ variant: 'B', instances: b.instances, variants: [{ variant: 'B', instances: b.instances }] });
      expect(onlyB.elements.map(counts)).toEqual(b.elements.map(counts));
    });

    it('should cover only the instances started in [from, to)', async () => {
      const now = Date.now();
      const all = await kpis(`?from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 3_600_000).toISOString()}`);
      expect(all.instances.started).toBe(13);
      const none = await kpis(`?from=${new Date(now + 3_600_000).toISOString()}`);
      expect(none.instances).toEqual({ started: 0, completed: 0, terminated: 0, active: 0, converted: 0, conversionRate: null });
      expect(none.elements.map((e: Body) => e.entered)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(none.variants).toEqual([]);
    });

    it('should take the live version by default and a given one on request', async () => {
      expect((await kpis('?version=1')).instances.started).toBe(13);
      const { body } = await as('analyst').get(`/api/journeys/${journey.id}/kpis?version=1`).expect(200);
      expect(body.version).toBe(1);
    });
  });

  describe('two versions of a journey', () => {
    /** start → one touchpoint task per name, in order → end */
    const xmlOf = (tasks: string[], nodes = ['start', ...tasks, 'end']) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_versions" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="kpi-versions" isExecutable="true">
    <bpmn:startEvent id="start"/>
    ${tasks.map((task) => `<bpmn:serviceTask id="${task}"><bpmn:extensionElements><zeebe:taskDefinition type="touchpoint.${task}"/></bpmn:extensionElements></bpmn:serviceTask>`).join('\n    ')}
    <bpmn:endEvent id="end"/>
    ${nodes.slice(1).map((target, i) => `<bpmn:sequenceFlow id="to_${target}" sourceRef="${nodes[i]}" targetRef="${target}"/>`).join('\n    ')}
  </bpmn:process>
</bpmn:definitions>`;

    it('should count each version by what ran on it, the live one by default', async () => {
      // given: version 1 (start → push → end) with three instances, two of them through
      const versioned = await deployedJourney('kpi-versions', { type: 'end_event', endEventId: 'end' }, xmlOf(['push']));
      const onV1: string[] = [];
      for (let i = 0; i < 3; i++) onV1.push(String((await zeebe.createProcessInstance({ bpmnProcessId: 'kpi-versions', variables: { customerId: `cust-v1-${i}` } })).processInstanceKey));
      const pushesV1 = await activateAll('touchpoint.push', 3);
      const late = pushesV1.find((job) => String(job.processInstanceKey) === onV1[2])!;
      for (const job of pushesV1.filter((job) => job !== late)) await zeebe.completeJob({ jobKey: job.key, variables: {} });

      // when: version 2 (start → push → letter → end) goes live, two instances run on it (one through,
      // one waiting at the letter), and the last instance of version 1 goes on only then
      await as('analyst').post(`/api/journeys/${versioned.id}/versions`, { bpmnXml: xmlOf(['push', 'letter']) }).expect(201);
      await as('analyst').post(`/api/journeys/${versioned.id}/versions/2/deploy`).expect(201);
      const onV2: string[] = [];
      for (let i = 0; i < 2; i++) {
        const created = await zeebe.createProcessInstance({ bpmnProcessId: 'kpi-versions', variables: { customerId: `cust-v2-${i}` } });
        expect(created.version).toBe(2);
        onV2.push(String(created.processInstanceKey));
      }
      for (const job of await activateAll('touchpoint.push', 2)) await zeebe.completeJob({ jobKey: job.key, variables: {} });
      const letters = await activateAll('touchpoint.letter', 2);
      await zeebe.completeJob({ jobKey: letters.find((job) => String(job.processInstanceKey) === onV2[0])!.key, variables: {} });
      await zeebe.completeJob({ jobKey: late.key, variables: {} });
      await until('the instances to end', async () => (await Promise.all([...onV1, onV2[0]].map(ended))).every(Boolean), (done) => done);

      // then
      const v1 = await kpisOf(versioned.id, '?version=1');
      const live = await kpisOf(versioned.id);
      expect(v1).toMatchObject({ version: 1, instances: { started: 3, completed: 3, terminated: 0, active: 0, converted: 3, conversionRate: 1 } });
      expect(elementCounts(v1)).toEqual([
        ['start', { entered: 3, completed: 3, inFlight: 0, dropped: 0 }],
        ['push', { entered: 3, completed: 3, inFlight: 0, dropped: 0 }],
        ['end', { entered: 3, completed: 3, inFlight: 0, dropped: 0 }],
      ]);
      expect(live).toMatchObject({ version: 2, instances: { started: 2, completed: 1, terminated: 0, active: 1, converted: 1, conversionRate: 1 / 2 } });
      expect(elementCounts(live)).toEqual([
        ['start', { entered: 2, completed: 2, inFlight: 0, dropped: 0 }],
        ['push', { entered: 2, completed: 2, inFlight: 0, dropped: 0 }],
        ['letter', { entered: 2, completed: 1, inFlight: 1, dropped: 0 }],
        ['end', { entered: 1, completed: 1, inFlight: 0, dropped: 0 }],
      ]);
      expect(await kpisOf(versioned.id, '?version=2')).toEqual(live);
    });
  });

  describe('a journey whose goal is a message', () => {
    it('should count as converted the instances that completed an element catching the goal message', async () => {
      // given: start → remind (touchpoint; an order interrupts it: paid → thanked_early)
      //              → ordered (waits for the order) → thanked
      const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_order_goal" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:message id="order" name="order.placed"><bpmn:extensionElements><zeebe:subscription correlationKey="=customerId"/></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="kpi-order-goal" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:serviceTask id="remind"><bpmn:extensionElements><zeebe:taskDefinition type="touchpoint.reminder"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:boundaryEvent id="paid" attachedToRef="remind"><bpmn:messageEventDefinition messageRef="order"/></bpmn:boundaryEvent>
    <bpmn:intermediateCatchEvent id="ordered"><bpmn:messageEventDefinition messageRef="order"/></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="thanked_early"/>
    <bpmn:endEvent id="thanked"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="remind"/>
    <bpmn:sequenceFlow id="f2" sourceRef="remind" targetRef="ordered"/>
    <bpmn:sequenceFlow id="f3" sourceRef="paid" targetRef="thanked_early"/>
    <bpmn:sequenceFlow id="f4" sourceRef="ordered" targetRef="thanked"/>
  </bpmn:process>
</bpmn:definitions>`;
      const ordering = await deployedJourney('kpi-order-goal', { type: 'message', messageName: 'order.placed' }, xml);
      const customers = ['cust-pays-early', 'cust-pays', 'cust-waits', 'cust-leaves'];
      const keyOf: Record<string, string> = {};
      for (const customerId of customers) {
        keyOf[customerId] = String((await zeebe.createProcessInstance({ bpmnProcessId: 'kpi-order-goal', variables: { customerId } })).processInstanceKey);
      }
      const reminders = await activateAll('touchpoint.reminder', customers.length);
      const order = (eventId: string, customerId: string) =>
        as('client').post('/api/events', { eventId, type: 'order.placed', customerId, occurredAt: new Date().toISOString() }).expect(201);
      const waitingAtOrdered = async () =>
        (await db.query(`select count(*)::int as n from travesia.kpi_event where journey_id = $1 and element_id = 'ordered' and phase = 'start'`, [ordering.id])).rows[0].n as number;

      // when: one customer orders during the reminder; of the others, reminded, one orders, one is cancelled, one still waits
      await order('goal-order-early', 'cust-pays-early');
      await until('the early order to end its instance', () => ended(keyOf['cust-pays-early']), (done) => done);
      for (const job of reminders.filter((job) => String(job.processInstanceKey) !== keyOf['cust-pays-early'])) await zeebe.completeJob({ jobKey: job.key, variables: {} });
      await until('the reminded instances to wait for the order', waitingAtOrdered, (n) => n === 3);
      await order('goal-order-late', 'cust-pays');
      await zeebe.cancelProcessInstance(keyOf['cust-leaves']);
      await until('the ordering instance to end', () => ended(keyOf['cust-pays']), (done) => done);

      // then
      const body = await kpisOf(ordering.id);
      expect(body).toMatchObject({
        goal: { type: 'message', messageName: 'order.placed' },
        goalElementIds: ['paid', 'ordered'],
        instances: { started: 4, completed: 2, terminated: 1, active: 1, converted: 2, conversionRate: 2 / 4 },
      });
      expect(elementCounts(body)).toEqual([
        ['start', { entered: 4, completed: 4, inFlight: 0, dropped: 0 }],
        ['remind', { entered: 4, completed: 3, inFlight: 0, dropped: 1 }],
        ['paid', { entered: 1, completed: 1, inFlight: 0, dropped: 0 }],
        ['ordered', { entered: 3, completed: 1, inFlight: 1, dropped: 1 }],
        ['thanked_early', { entered: 1, completed: 1, inFlight: 0, dropped: 0 }],
        ['thanked', { entered: 1, completed: 1, inFlight: 0, dropped: 0 }],
      ]);
    });
  });

  describe('an activity interrupted by a boundary event', () => {
    it('should count it dropped there while the instance goes on to complete', async () => {
      // given: a touchpoint nobody works, with a timer that interrupts it
      const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_timeout" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="kpi-timeout" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:serviceTask id="call"><bpmn:extensionElements><zeebe:taskDefinition type="touchpoint.call"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:boundaryEvent id="too_late" attachedToRef="call"><bpmn:timerEventDefinition><bpmn:timeDuration>PT0.2S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:endEvent id="called"/>
    <bpmn:endEvent id="gave_up"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="called"/>
    <bpmn:sequenceFlow id="f3" sourceRef="too_late" targetRef="gave_up"/>
  </bpmn:process>
</bpmn:definitions>`;
      const timeout = (await as('analyst').post('/api/journeys', { processId: 'kpi-timeout', name: 'Call or give up', goal: { type: 'end_event', endEventId: 'called' } }).expect(201)).body;
      await as('analyst').post(`/api/journeys/${timeout.id}/versions`, { bpmnXml: xml }).expect(201);
      await as('analyst').post(`/api/journeys/${timeout.id}/versions/1/deploy`).expect(201);

      // when
      const { processInstanceKey } = await zeebe.createProcessInstance({ bpmnProcessId: 'kpi-timeout', variables: {} });
      await until(
        'the instance to complete',
        async () => (await db.query(`select count(*)::int as n from travesia.kpi_event where element_instance_key = $1 and phase = 'end'`, [String(processInstanceKey)])).rows[0].n as number,
        (n) => n === 1,
      );
      const { body } = await as('owner').get(`/api/journeys/${timeout.id}/kpis`).expect(200);

      // then
      expect(body.instances).toEqual({ started: 1, completed: 1, terminated: 0, active: 0, converted: 0, conversionRate: 0 });
      expect(body.elements.map((e: Body) => [e.elementId, counts(e)])).toEqual([
        ['start', { entered: 1, completed: 1, inFlight: 0, dropped: 0 }],
        ['call', { entered: 1, completed: 0, inFlight: 0, dropped: 1 }],
        ['too_late', { entered: 1, completed: 1, inFlight: 0, dropped: 0 }],
        ['called', { entered: 0, completed: 0, inFlight: 0, dropped: 0 }],
        ['gave_up', { entered: 1, completed: 1, inFlight: 0, dropped: 0 }],
      ]);
      const { body: history } = await as('owner').get(`/api/instances/${String(processInstanceKey)}/timeline`).expect(200);
      expect(history.steps.map((step: Body) => [step.elementId, step.state])).toEqual([
        ['start', 'completed'],
        ['call', 'terminated'],
        ['too_late', 'completed'],
        ['gave_up', 'completed'],
      ]);
      expect(history.touchpoints).toEqual([expect.objectContaining({ jobType: 'touchpoint.call', channel: 'call', state: 'canceled' })]);
    });
  });

  describe('GET /api/journeys/:id/kpis/daily', () => {
    it('should bucket the instances by the UTC day they started, every day of the range', async () => {
      // given
      const today = new Date().toISOString().slice(0, 10);
      const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

      // when
      const { body } = await as('owner').get(`/api/journeys/${journey.id}/kpis/daily?from=${yesterday}&to=${tomorrow}`).expect(200);
      const { body: lastMonth } = await as('owner').get(`/api/journeys/${journey.id}/kpis/daily`).expect(200);
      const { body: variantA } = await as('owner').get(`/api/journeys/${journey.id}/kpis/daily?from=${today}&to=${tomorrow}&variant=A`).expect(200);

      // then
      expect(body.days.map((d: Body) => d.day)).toEqual([yesterday, today]);
      expect(body.days[0].instances.started).toBe(0);
      expect(body.days[0].elements.every((e: Body) => e.entered === 0)).toBe(true);
      expect(body.days[1].instances).toEqual({ started: 13, completed: 10, terminated: 2, active: 1, converted: 7, conversionRate: 7 / 13 });
      expect(counts(body.days[1].elements.find((e: Body) => e.elementId === 'email_a'))).toEqual({ entered: 9, completed: 7, inFlight: 0, dropped: 2 });
      expect(lastMonth.days).toHaveLength(30);
      expect(lastMonth.days.at(-1)).toEqual(body.days[1]);
      expect(variantA.days).toHaveLength(1);
      expect(variantA.days[0].instances).toMatchObject({ started: 8, converted: 5 });
    });
  });

  describe('KPI capture', () => {
    it('should record a listener job delivered twice once, and tell the end job from a redelivered start job', async () => {
      // given: a listener job of an element instance no engine made, through the real handler
      const worker = testApp.app.get(KpiListenerWorker);
      const handler = (job: Parameters<KpiListenerWorker['handle']>[0]) => worker.handle(job);
      const base = { type: 'travesia.kpi', bpmnProcessId: PROCESS_ID, processDefinitionVersion: 1, processInstanceKey: '4503599627370001', elementId: 'email_a', elementInstanceKey: '4503599627370002' };
      const rows = async () =>
        (await db.query(`select phase, job_key::text as job from travesia.kpi_event where element_instance_key = $1 order by phase`, [base.elementInstanceKey])).rows;

      // when: the start job twice (a redelivery)
      expect(await runHandler(handler, { ...base, key: '4503599627370003', variables: { customerId: 'cust-x', variant: 'A' } })).toEqual({ kind: 'complete', variables: {} });
      expect(await runHandler(handler, { ...base, key: '4503599627370003', variables: { customerId: 'cust-x', variant: 'A' } })).toEqual({ kind: 'complete', variables: {} });

      // then
      expect(await rows()).toEqual([{ phase: 'start', job: '4503599627370003' }]);

      // and when the end job comes, twice, and the start job once more
      await runHandler(handler, { ...base, key: '4503599627370004' });
      await runHandler(handler, { ...base, key: '4503599627370004' });
      await runHandler(handler, { ...base, key: '4503599627370003' });
      expect(await rows()).toEqual([
        { phase: 'end', job: '4503599627370004' },
        { phase: 'start', job: '4503599627370003' },
      ]);
      await db.query(`delete from travesia.kpi_event where process_instance_key = $1`, [base.processInstanceKey]);
    });

    it('should complete the listener jobs of a process no journey deployed, recording nothing', async () => {
      const worker = testApp.app.get(KpiListenerWorker);
      const outcome = await runHandler((job) => worker.handle(job), { bpmnProcessId: 'not-a-journey', elementInstanceKey: '4503599627370009' });
      expect(outcome).toEqual({ kind: 'complete', variables: {} });
      expect((await db.query(`select count(*)::int as n from travesia.kpi_event where element_instance_key = 4503599627370009`)).rows[0].n).toBe(0);
    });
  });

  describe('GET /api/instances/:processInstanceKey/timeline', () => {
    it('should list the elements entered and left in order, with variables, the touchpoint job and no KPI listener job', async () => {
      // given
      const key = pik((drive) => drive.customerId === 'cust-a1');

      // when
      const { body } = await as('owner').get(`/api/instances/${key}/timeline`).expect(200);

      // then
      expect(body).toMatchObject({
        processInstanceKey: key,
        bpmnProcessId: PROCESS_ID,
        processDefinitionVersion: 1,
        journey: { id: journey.id, name: 'Welcome with KPIs', processId: PROCESS_ID, version: 1 },
        customerId: 'cust-a1',
        state: 'completed',
        source: 'engine-records',
        gaps: [],
        truncated: false,
        incidents: [],
        messages: [],
      });
      expect(body.steps.map((s: Body) => [s.elementId, s.state])).toEqual([
        ['start', 'completed'],
        ['split', 'completed'],
        ['email_a', 'completed'],
        ['converted', 'completed'],
      ]);
      const times = body.steps.flatMap((s: Body) => [Date.parse(s.enteredAt), Date.parse(s.leftAt)]);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      // the flows taken, as recorded (the split's other flow, toSms, was not)
      expect(body.sequenceFlows.map((f: Body) => [f.flowId, f.flowScopeKey])).toEqual([
        ['toSplit', key],
        ['toEmail', key],
        ['toConverted', key],
      ]);
      const flowTimes = body.sequenceFlows.map((f: Body) => Date.parse(f.at));
      expect(flowTimes).toEqual([...flowTimes].sort((a, b) => a - b));
      const email = body.steps[2];
      expect(email).toMatchObject({ elementName: 'Welcome email', elementType: 'SERVICE_TASK', flowScopeKey: key });
      expect(email.durationMs).toBeGreaterThanOrEqual(30);
      expect(email.variablesOnEntry).toEqual({ path: 'a', variant: 'A', customerId: 'cust-a1' });
      expect(email.variablesOnExit).toEqual({ path: 'a', variant: 'A', customerId: 'cust-a1', sentAt: expect.any(String), channelUsed: 'email_a' });
      expect(body.variableChanges.map((v: Body) => [v.name, v.scopeElementId])).toEqual([
        ['path', PROCESS_ID],
        ['variant', PROCESS_ID],
        ['customerId', PROCESS_ID],
        ['sentAt', PROCESS_ID],
        ['channelUsed', PROCESS_ID],
      ]);
      expect(body.jobs).toEqual([
        expect.objectContaining({ type: 'touchpoint.email', kind: 'BPMN_ELEMENT', elementId: 'email_a', worker: WORKER, state: 'completed', errors: [], customHeaders: { template: 'welcome-a' } }),
      ]);
      expect(body.touchpoints).toEqual([
        {
          elementId: 'email_a',
          elementName: 'Welcome email',
          elementInstanceKey: email.elementInstanceKey,
          jobType: 'touchpoint.email',
          channel: 'email',
          jobKey: body.jobs[0].jobKey,
          state: 'completed',
          startedAt: expect.any(String),
          endedAt: expect.any(String),
          worker: WORKER,
          retries: 3,
          errors: [],
          headers: { template: 'welcome-a' },
        },
      ]);
    });

    it('should show a cancelled instance terminated where it was', async () => {
      const { body } = await as('owner').get(`/api/instances/${pik((drive) => drive.fate === 'cancel')}/timeline`).expect(200);
      expect(body.state).toBe('terminated');
      expect(body.steps.at(-1)).toMatchObject({ elementId: 'email_a', state: 'terminated' });
      expect(body.touchpoints).toEqual([expect.objectContaining({ jobType: 'touchpoint.email', state: 'canceled' })]);
    });

    it('should show a touchpoint job that failed with no retries left as an incident, resolved once retried', async () => {
      // given: start → ping (touchpoint.webhook) → end, its job failed for good
      const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_incident" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="kpi-incident" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:serviceTask id="ping" name="Call the webhook"><bpmn:extensionElements><zeebe:taskDefinition type="touchpoint.webhook" retries="2"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ping"/>
    <bpmn:sequenceFlow id="f2" sourceRef="ping" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>`;
      await deployedJourney('kpi-incident', { type: 'end_event', endEventId: 'end' }, xml);
      const key = String((await zeebe.createProcessInstance({ bpmnProcessId: 'kpi-incident', variables: { customerId: 'cust-incident' } })).processInstanceKey);
      const [job] = await activateAll('touchpoint.webhook', 1);
      await zeebe.failJob({ jobKey: job.key, retries: 1, errorMessage: 'webhook answered 503', retryBackOff: 0 });
      const [again] = await activateAll('touchpoint.webhook', 1);
      await zeebe.failJob({ jobKey: again.key, retries: 0, errorMessage: 'webhook answered 500', retryBackOff: 0 });

      // when
      const timeline = async () => (await as('owner').get(`/api/instances/${key}/timeline`).expect(200)).body as Body;
      const body = await until('the incident', timeline, (read) => read.incidents.length === 1);

      // then
      const ping = body.steps.find((step: Body) => step.elementId === 'ping');
      expect(body.state).toBe('active');
      expect(ping).toMatchObject({ state: 'active', leftAt: null });
      expect(body.incidents).toEqual([
        {
          incidentKey: expect.stringMatching(/^\d+$/),
          errorType: 'JOB_NO_RETRIES',
          errorMessage: 'webhook answered 500',
          elementId: 'ping',
          elementInstanceKey: ping.elementInstanceKey,
          jobKey: String(job.key),
          createdAt: expect.any(String),
          resolvedAt: null,
        },
      ]);
      expect(body.touchpoints).toEqual([
        expect.objectContaining({
          elementId: 'ping',
          channel: 'webhook',
          jobKey: String(job.key),
          state: 'failed',
          retries: 0,
          errors: [
            { at: expect.any(String), code: null, message: 'webhook answered 503', retriesLeft: 1 },
            { at: expect.any(String), code: null, message: 'webhook answered 500', retriesLeft: 0 },
          ],
        }),
      ]);

      // and when the incident is retried and the job then completes
      await as('owner').post(`/api/incidents/${body.incidents[0].incidentKey}/retry`, {}).expect(200);
      const [retried] = await activateAll('touchpoint.webhook', 1);
      await zeebe.completeJob({ jobKey: retried.key, variables: {} });
      const after = await until('the instance to complete', timeline, (read) => read.state === 'completed');
      expect(after.incidents).toEqual([{ ...body.incidents[0], resolvedAt: expect.any(String) }]);
      expect(Date.parse(after.incidents[0].resolvedAt)).toBeGreaterThanOrEqual(Date.parse(body.incidents[0].createdAt));
      expect(after.touchpoints).toEqual([expect.objectContaining({ state: 'completed', errors: body.touchpoints[0].errors })]);
    });

    it('should answer 404 for an unknown instance and 400 for a bad key', async () => {
      const { body } = await as('owner').get('/api/instances/2251799813600000/timeline').expect(404);
      expect(body.message).toBe('Expected the key of a process instance, found no process instance 2251799813600000');
      const { body: bad } = await as('owner').get('/api/instances/abc/timeline').expect(400);
      expect(bad.details).toEqual([{ field: 'processInstanceKey', messages: ['processInstanceKey must be a Zeebe key (a positive 64-bit integer in decimal), got "abc"'] }]);
      await as('owner').get('/api/instances/9999999999999999999/timeline').expect(400);
    });
  });

  describe('GET /api/customers/:externalId/history', () => {
    it("should list the customer's journeys and touchpoints, newest first, in pages", async () => {
      // given: cust-a0 completed branch A, and waits at the SMS of a second instance
      const first = pik((drive) => drive.customerId === 'cust-a0' && drive.fate === 'complete');
      const second = pik((drive) => drive.customerId === 'cust-a0' && drive.fate === 'wait');

      // when
      const { body: all } = await as('owner').get('/api/customers/cust-a0/history').expect(200);
      const { body: page1 } = await as('owner').get('/api/customers/cust-a0/history?limit=3').expect(200);
      const { body: page2 } = await as('owner').get(`/api/customers/cust-a0/history?limit=3&cursor=${page1.nextCursor}`).expect(200);

      // then
      expect(all).toMatchObject({ externalId: 'cust-a0', source: 'engine-records', nextCursor: null });
      const summary = (item: Body) => [item.kind, item.processInstanceKey, item.touchpoint?.jobType ?? item.instance.state];
      expect(all.items.map(summary)).toEqual(
        expect.arrayContaining([
          ['touchpoint', second, 'touchpoint.sms'],
          ['journey', second, 'active'],
          ['touchpoint', first, 'touchpoint.email'],
          ['journey', first, 'completed'],
        ]),
      );
      expect(all.items).toHaveLength(4);
      const times = all.items.map((item: Body) => Date.parse(item.at));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      const of = (kind: string, key: string) => all.items.find((item: Body) => item.kind === kind && item.processInstanceKey === key);
      expect(Date.parse(of('touchpoint', second).at)).toBeGreaterThanOrEqual(Date.parse(of('journey', second).at));
      expect(of('journey', second)).toMatchObject({
        journey: { id: journey.id, name: 'Welcome with KPIs', processId: PROCESS_ID, version: 1 },
        instance: { state: 'active', endedAt: null, variant: 'A' },
        touchpoint: null,
      });
      expect(of('journey', first).instance).toMatchObject({ state: 'completed', endedAt: expect.any(String), variant: 'A' });
      expect(of('touchpoint', second).touchpoint).toMatchObject({ channel: 'sms', state: 'pending', worker: null, endedAt: null });
      expect(of('touchpoint', first).touchpoint).toMatchObject({ channel: 'email', state: 'completed', worker: WORKER, headers: { template: 'welcome-a' } });
      expect(page1.items).toEqual(all.items.slice(0, 3));
      expect(page1.nextCursor).toEqual(expect.any(String));
      expect(page2).toMatchObject({ items: all.items.slice(3), nextCursor: null });
    });

    it('should show a cancelled journey as terminated', async () => {
      const { body } = await as('owner').get('/api/customers/cust-c0/history').expect(200);
      expect(body.items.map((item: Body) => [item.kind, item.instance?.state ?? item.touchpoint.state])).toEqual([
        ['touchpoint', 'canceled'],
        ['journey', 'terminated'],
      ]);
    });

    it('should put the journeys into the GDPR export, and forget the customer in the KPIs on erasure', async () => {
      // when
      const { body } = await as('client').get('/api/customers/cust-b2/export').expect(200);

      // then
      expect(body.related.journeys.map((item: Body) => item.kind)).toEqual(['touchpoint', 'journey']);

      // and when erased, the KPIs stay
      await as('client').put('/api/customers/cust-erase', {}).expect(201);
      await db.query(`update travesia.kpi_event set customer_id = 'cust-erase' where customer_id = 'cust-b2'`);
      await request(http).delete('/api/customers/cust-erase').set('x-api-key', keys.client).expect(204);
      expect((await db.query(`select count(*)::int as n from travesia.kpi_event where customer_id = 'cust-erase'`)).rows[0].n).toBe(0);
      expect((await kpis()).instances.started).toBe(13);
    });

    it('should answer 404 for an unknown customer and 400 for bad paging', async () => {
      await as('owner').get('/api/customers/nobody/history').expect(404);
      const { body } = await as('owner').get('/api/customers/cust-a0/history?limit=0&cursor=%24%24').expect(400);
      expect(body.details.map((d: Body) => d.field).sort()).toEqual(['cursor', 'limit']);
      const { body: forged } = await as('owner').get(`/api/customers/cust-a0/history?cursor=${Buffer.from('x').toString('base64url')}`).expect(400);
      expect(forged.details).toEqual([{ field: 'cursor', messages: ['cursor must be the nextCursor of a previous page'] }]);
    });
  });

  describe('errors', () => {
    it('should answer 404 for an unknown journey or version', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      const { body } = await as('owner').get(`/api/journeys/${unknown}/kpis`).expect(404);
      expect(body.message).toBe(`Expected the id of a journey, found no journey ${unknown}`);
      await as('owner').get(`/api/journeys/${unknown}/kpis/daily`).expect(404);
      const { body: version } = await as('owner').get(`/api/journeys/${journey.id}/kpis?version=7`).expect(404);
      expect(version.message).toBe(`Expected a version of journey ${journey.id} (1 to 1), found no version 7`);
    });

    it('should answer 400 for bad query parameters', async () => {
      const bad = async (query: string, path = 'kpis') => (await as('owner').get(`/api/journeys/${journey.id}/${path}${query}`).expect(400)).body.details;
      expect(await bad('?version=0')).toEqual([{ field: 'version', messages: ['version must not be less than 1'] }]);
      expect(await bad('?version=one')).toEqual([{ field: 'version', messages: expect.arrayContaining(['version must be an integer number']) }]);
      expect(await bad('?from=yesterday')).toEqual([
        { field: 'from', messages: ['from must be a date (2025-03-01, UTC) or an ISO 8601 date-time with a zone (2025-03-01T09:00:00Z), got "yesterday"'] },
      ]);
      expect(await bad('?from=2025-02-30')).toEqual([{ field: 'from', messages: [expect.stringContaining('must be a date')] }]);
      expect(await bad('?to=2025-03-01T10:00:00')).toEqual([{ field: 'to', messages: [expect.stringContaining('with a zone')] }]);
      expect(await bad('?from=2025-03-02&to=2025-03-01')).toEqual([
        { field: 'to', messages: ['to must be after from, got from 2025-03-02T00:00:00.000Z and to 2025-03-01T00:00:00.000Z'] },
      ]);
      expect(await bad(`?variant=${'x'.repeat(101)}`)).toEqual([{ field: 'variant', messages: ['variant must be shorter than or equal to 100 characters'] }]);
      expect(await bad('?unknown=1')).toEqual([{ field: 'unknown', messages: ['property unknown should not exist'] }]);
      expect(await bad('?from=2024-01-01&to=2025-03-01', 'kpis/daily')).toEqual([{ field: 'from', messages: ['from and to must be at most 366 days apart for daily KPIs'] }]);
      await as('owner').get('/api/journeys/not-a-uuid/kpis').expect(400);
    });
  });

  describe('auth', () => {
    it('should let owners and analysts read KPIs, and only owners read histories', async () => {
      await expectAuthMatrix(http, { method: 'get', path: `/api/journeys/${journey.id}/kpis` }, ['owner', 'analyst']);
      await expectAuthMatrix(http, { method: 'get', path: `/api/journeys/${journey.id}/kpis/daily` }, ['owner', 'analyst']);
      await expectAuthMatrix(http, { method: 'get', path: `/api/instances/${pik(() => true)}/timeline` }, ['owner']);
      await expectAuthMatrix(http, { method: 'get', path: '/api/customers/cust-a0/history' }, ['owner']);
    });
  });
});
