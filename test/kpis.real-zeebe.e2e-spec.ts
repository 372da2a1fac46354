import type { App } from 'supertest/types';
import { ZeebeClientRepository, type ZeebeGrpcClient } from '../src/engine-host';
import { KPI_LISTENER_HISTORY_GAPS } from '../src/services';
import { createKeys, type RoleKeys, withKey } from './helpers/auth';
import { createTestApp, type TestApp } from './helpers/test-app';
import { until } from './helpers/until';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;
type ActivatedJob = { key: string; processInstanceKey: string };

const PROCESS_ID = 'kpi-order';

/** start → email (touchpoint.email) → wait_order (message order.placed, keyed by customer) → ordered. Goal: the message. */
const JOURNEY_XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  id="definitions_order" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:message id="order_placed" name="order.placed"><bpmn:extensionElements><zeebe:subscription correlationKey="=customerId"/></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="${PROCESS_ID}" name="Order nudge" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:serviceTask id="email" name="Nudge email"><bpmn:extensionElements><zeebe:taskDefinition type="touchpoint.email"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:intermediateCatchEvent id="wait_order" name="Order placed"><bpmn:messageEventDefinition messageRef="order_placed"/></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="ordered"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="email"/>
    <bpmn:sequenceFlow id="f2" sourceRef="email" targetRef="wait_order"/>
    <bpmn:sequenceFlow id="f3" sourceRef="wait_order" targetRef="ordered"/>
  </bpmn:process>
</bpmn:definitions>`;

/**
 * The service against "a real Zeebe": its engine is another process's (an app with ROLE=engine,
 * on a database of its own), reached at ZEEBE_GRPC_ADDRESS, so none of the engine's records are
 * in the service's database. KPIs and histories then come from the KPI listeners and the
 * enrolments only.
 */
describe('KPIs and history with an external Zeebe (e2e)', () => {
  let engine: TestApp;
  let service: TestApp;
  let http: App;
  let keys: RoleKeys;
  let zeebe: ZeebeGrpcClient;
  let journey: Body;
  const enrolments = new Map<string, Body>();

  const as = (role: keyof RoleKeys) => withKey(http, keys[role]);

  const timeline = async (customerId: string) => (await as('owner').get(`/api/instances/${enrolments.get(customerId).processInstanceKey}/timeline`).expect(200)).body as Body;

  beforeAll(async () => {
    engine = await createTestApp({ env: { ROLE: 'engine' } });
    service = await createTestApp({ env: { ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${engine.config.engine.grpcPort}` } });
    http = service.app.getHttpServer();
    keys = await createKeys(service);
    zeebe = service.app.get(ZeebeClientRepository).client;

    // given
    journey = (await as('analyst').post('/api/journeys', { processId: PROCESS_ID, name: 'Order nudge', goal: { type: 'message', messageName: 'order.placed' } }).expect(201)).body;
    await as('analyst').post(`/api/journeys/${journey.id}/versions`, { bpmnXml: JOURNEY_XML }).expect(201);
    await as('analyst').post(`/api/journeys/${journey.id}/versions/1/deploy`).expect(201);
    for (const customerId of ['r1', 'r2', 'r3']) {
      await as('client').put(`/api/customers/${customerId}`, {}).expect(201);
      enrolments.set(customerId, (await as('client').post(`/api/journeys/${journey.id}/enrolments`, { customerId }).expect(201)).body);
    }

    // when: every email is sent, r1 orders, r2's enrolment is cancelled, r3 keeps waiting
    const emails: ActivatedJob[] = [];
    await until(
      'the emails',
      async () => {
        emails.push(...((await zeebe.activateJobs({ type: 'touchpoint.email', worker: 'real-e2e', timeout: 60_000, maxJobsToActivate: 3, requestTimeout: 500 } as never)) as never as ActivatedJob[]));
        return emails.length;
      },
      (n) => n === 3,
    );
    for (const job of emails) await zeebe.completeJob({ jobKey: job.key, variables: { emailed: true } });
    await until('r1 to wait for the order', () => timelineSteps('r1'), (steps) => steps.includes('wait_order'));
    await until('r2 to wait for the order', () => timelineSteps('r2'), (steps) => steps.includes('wait_order'));
    await until('r3 to wait for the order', () => timelineSteps('r3'), (steps) => steps.includes('wait_order'));
    await zeebe.publishMessage({ name: 'order.placed', correlationKey: 'r1', variables: { orderId: 'o-1' }, timeToLive: 60_000 });
    await as('client').delete(`/api/enrolments/${enrolments.get('r2').id}`).expect(200);
    await until('r1 to complete', async () => (await timeline('r1')).state, (state) => state === 'completed');
  }, 90_000);

  async function timelineSteps(customerId: string): Promise<string[]> {
    return (await timeline(customerId)).steps.map((step: Body) => step.elementId);
  }

  afterAll(async () => {
    await service?.close();
    await engine?.close();
  });

  it('should count KPIs from the listeners, with the cancellation known from the enrolment', async () => {
    // when
    const { body } = await as('owner').get(`/api/journeys/${journey.id}/kpis`).expect(200);

    // then
    expect(body).toMatchObject({
      goal: { type: 'message', messageName: 'order.placed' },
      goalElementIds: ['wait_order'],
      instances: { started: 3, completed: 1, terminated: 1, active: 1, converted: 1, conversionRate: 1 / 3 },
    });
    expect(body.elements.map((e: Body) => [e.elementId, e.entered, e.completed, e.inFlight, e.dropped])).toEqual([
      ['start', 3, 3, 0, 0],
      ['email', 3, 3, 0, 0],
      ['wait_order', 3, 1, 1, 1],
      ['ordered', 1, 1, 0, 0],
    ]);
  });

  it('should give the timeline the KPI listeners know, and say what it lacks', async () => {
    // when
    const body = await timeline('r1');

    // then
    expect(body).toMatchObject({
      processInstanceKey: enrolments.get('r1').processInstanceKey,
      bpmnProcessId: PROCESS_ID,
      journey: { id: journey.id, version: 1 },
      customerId: 'r1',
      state: 'completed',
      source: 'kpi-listeners',
      gaps: KPI_LISTENER_HISTORY_GAPS,
      jobs: [],
      incidents: [],
      variableChanges: [],
      sequenceFlows: null,
    });
    expect(body.steps.map((s: Body) => [s.elementId, s.state])).toEqual([
      ['start', 'completed'],
      ['email', 'completed'],
      ['wait_order', 'completed'],
      ['ordered', 'completed'],
    ]);
    expect(body.steps[1].variablesOnEntry).toEqual({ customerId: 'r1' });
    expect(body.touchpoints).toEqual([
      expect.objectContaining({ elementId: 'email', elementName: 'Nudge email', jobType: 'touchpoint.email', channel: 'email', jobKey: null, state: 'completed', worker: null }),
    ]);
    expect(body.messages).toEqual([
      { at: body.steps[2].leftAt, messageName: 'order.placed', correlationKey: null, elementId: 'wait_order', elementInstanceKey: body.steps[2].elementInstanceKey, variables: null },
    ]);
    const cancelled = await timeline('r2');
    expect(cancelled.state).toBe('terminated');
    expect(cancelled.steps.at(-1)).toMatchObject({ elementId: 'wait_order', state: 'terminated' });
    expect((await timeline('r3')).state).toBe('active');
  });

  it("should list a customer's journeys with their enrolment, and the touchpoints the listeners saw", async () => {
    const { body } = await as('owner').get('/api/customers/r1/history').expect(200);
    expect(body.source).toBe('kpi-listeners');
    expect(body.items.map((item: Body) => item.kind)).toEqual(['touchpoint', 'journey']);
    expect(body.items[1].instance).toMatchObject({ state: 'completed', enrolmentId: enrolments.get('r1').id });
    expect(body.items[0].touchpoint).toMatchObject({ jobType: 'touchpoint.email', state: 'completed', jobKey: null });
  });
});
