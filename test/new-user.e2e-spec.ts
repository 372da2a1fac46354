import type { App } from 'supertest/types';
import request from 'supertest';
import { ZeebeClientRepository, type ZeebeGrpcClient } from '../src/engine-host';
import { createKeys, type RoleKeys } from './helpers/auth';
import { createTestApp, type TestApp } from './helpers/test-app';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The journey of the brief: welcome email, then wait for an order (or three days), thank the buyers. */
function welcomeJourney(broken: boolean): string {
  const thanks = broken
    ? '<bpmn:serviceTask id="thankYou" name="Thank-you email"/>'
    : `<bpmn:serviceTask id="thankYou" name="Thank-you email"><bpmn:extensionElements><zeebe:taskDefinition type="touchpoint.email"/>
         <zeebe:taskHeaders><zeebe:header key="template" value="thank-you"/></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  id="first-journey-definitions" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:message id="ordered" name="order.placed"><bpmn:extensionElements><zeebe:subscription correlationKey="=customerId"/></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="first-journey" name="Welcome" isExecutable="true">
    <bpmn:startEvent id="start" name="Enrolled"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="welcomeEmail"/>
    <bpmn:serviceTask id="welcomeEmail" name="Welcome email"><bpmn:extensionElements><zeebe:taskDefinition type="touchpoint.email"/>
      <zeebe:taskHeaders><zeebe:header key="template" value="welcome"/></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="welcomeEmail" targetRef="waitForOrder"/>
    <bpmn:eventBasedGateway id="waitForOrder" name="Ordered?"/>
    <bpmn:sequenceFlow id="f3" sourceRef="waitForOrder" targetRef="orderPlaced"/>
    <bpmn:sequenceFlow id="f4" sourceRef="waitForOrder" targetRef="threeDays"/>
    <bpmn:intermediateCatchEvent id="orderPlaced" name="Order placed"><bpmn:messageEventDefinition messageRef="ordered"/></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="threeDays" name="3 days"><bpmn:timerEventDefinition><bpmn:timeDuration>P3D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f5" sourceRef="orderPlaced" targetRef="thankYou"/>
    <bpmn:sequenceFlow id="f6" sourceRef="threeDays" targetRef="noOrder"/>
    ${thanks}
    <bpmn:sequenceFlow id="f7" sourceRef="thankYou" targetRef="converted"/>
    <bpmn:endEvent id="converted" name="Converted"/>
    <bpmn:endEvent id="noOrder" name="No order"/>
  </bpmn:process>
</bpmn:definitions>`;
}

const CUSTOMERS = ['ana', 'ben', 'carla', 'dan', 'eva'];
const BUYERS = ['ana', 'carla', 'eva'];

/**
 * What a new user does on day one, through the REST API of the real service (its embedded
 * engine, real PostgreSQL, the real KPI worker): model, lint, deploy, feed customers and
 * events, enrol, watch, and read the history and the KPIs — which must count exactly what
 * the test drove through each element.
 */
describe('a new user, end to end', () => {
  let testApp: TestApp;
  let http: App;
  let keys: RoleKeys;
  let zeebe: ZeebeGrpcClient;
  const as = (role: keyof RoleKeys) => ({
    get: (path: string) => request(http).get(path).set('x-api-key', keys[role]),
    post: (path: string, body?: object) => request(http).post(path).set('x-api-key', keys[role]).send(body),
    put: (path: string, body?: object) => request(http).put(path).set('x-api-key', keys[role]).send(body),
  });

  beforeAll(async () => {
    testApp = await createTestApp();
    http = testApp.app.getHttpServer();
    keys = await createKeys(testApp);
    zeebe = testApp.app.get(ZeebeClientRepository).client;
  }, 60_000);
  afterAll(() => testApp?.close());

  /** The touchpoint worker of this test: completes the email jobs of these customers. */
  async function sendEmails(template: string, customers: string[]): Promise<void> {
    const pending = new Set(customers);
    const deadline = Date.now() + 20_000;
    while (pending.size > 0 && Date.now() < deadline) {
      const jobs = (await zeebe.activateJobs({ type: 'touchpoint.email', worker: 'mailer', timeout: 30_000, maxJobsToActivate: 10, requestTimeout: 500 } as never)) as never as Body[];
      for (const job of jobs) {
        expect(job.customHeaders.template).toBe(template);
        pending.delete(job.variables.customerId);
        await zeebe.completeJob({ jobKey: job.key, variables: { [`${template}SentAt`]: new Date().toISOString() } });
      }
    }
    expect([...pending]).toEqual([]);
  }

  async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('should model, deploy, enrol, run and measure a welcome journey', async () => {
    // The analyst creates the journey and uploads a first, broken diagram: lint finds it.
    const journey = (
      await as('analyst')
        .post('/api/journeys', { processId: 'first-journey', name: 'Welcome', goal: { type: 'end_event', endEventId: 'converted' }, reentry: 'never' })
        .expect(201)
    ).body;
    await as('analyst').post(`/api/journeys/${journey.id}/versions`, { bpmnXml: welcomeJourney(true) }).expect(201);
    const refused = (await as('analyst').post(`/api/journeys/${journey.id}/versions/1/deploy`).expect(422)).body;
    expect(refused.problems).toEqual(expect.arrayContaining([expect.objectContaining({ elementId: 'thankYou', category: 'error' })]));

    // A fixed version deploys and is live.
    await as('analyst').post(`/api/journeys/${journey.id}/versions`, { bpmnXml: welcomeJourney(false) }).expect(201);
    await as('analyst').post(`/api/journeys/${journey.id}/versions/2/deploy`).expect(201);
    expect((await as('owner').get(`/api/journeys/${journey.id}`).expect(200)).body.liveVersion).toBe(2);

    // The CRM upserts customers; the shop enrols them.
    for (const name of CUSTOMERS) {
      await as('client').put(`/api/customers/${name}`, { attributes: { firstName: name }, addresses: { email: `${name}@example.com` } }).expect(201);
    }
    const enrolments = new Map<string, Body>();
    for (const name of CUSTOMERS) {
      enrolments.set(name, (await as('client').post(`/api/journeys/${journey.id}/enrolments`, { customerId: name }).expect(201)).body);
    }
    // Enrolling again changes nothing.
    const again = (await as('client').post(`/api/journeys/${journey.id}/enrolments`, { customerId: 'ana' }).expect(200)).body;
    expect(again).toMatchObject({ id: enrolments.get('ana')!.id, existing: true });

    // Welcome emails go out; three customers order; they are thanked.
    await sendEmails('welcome', CUSTOMERS);
    for (const name of BUYERS) {
      await as('client')
        .post('/api/events', { source: 'shop', eventId: `order-${name}`, type: 'order.placed', customerId: name, occurredAt: new Date().toISOString(), revenue: 42, currency: 'EUR' })
        .expect(201);
    }
    await sendEmails('thank-you', BUYERS);

    // The enrolments of the buyers complete; the others still wait for an order.
    const statuses = await until(
      'the buyers to finish',
      async () => {
        const list = (await as('owner').get(`/api/journeys/${journey.id}/enrolments`).expect(200)).body;
        return Object.fromEntries((list.items as Body[]).map((e) => [e.customerId, e.status]));
      },
      (byCustomer) => BUYERS.every((name) => byCustomer[name] === 'completed'),
    );
    expect(statuses).toEqual({ ana: 'completed', ben: 'active', carla: 'completed', dan: 'active', eva: 'completed' });

    // The process owner reads what happened to Ana…
    const timeline = (await as('owner').get(`/api/instances/${enrolments.get('ana')!.processInstanceKey}/timeline`).expect(200)).body;
    expect(timeline.steps.map((step: Body) => step.elementId)).toEqual([
      'start',
      'welcomeEmail',
      'waitForOrder',
      'orderPlaced',
      'thankYou',
      'converted',
    ]);
    expect(timeline.messages).toEqual([expect.objectContaining({ messageName: 'order.placed', correlationKey: 'ana' })]);
    const history = (await as('owner').get('/api/customers/ana/history').expect(200)).body;
    expect(JSON.stringify(history)).toContain(String(enrolments.get('ana')!.processInstanceKey));

    // …and the KPIs count what the test drove.
    const kpis = await until(
      'the KPIs of the completed instances',
      async () => (await as('owner').get(`/api/journeys/${journey.id}/kpis`).expect(200)).body,
      (body) => body.instances.completed === BUYERS.length,
    );
    expect(kpis.instances).toEqual({ started: 5, completed: 3, terminated: 0, active: 2, converted: 3, conversionRate: 3 / 5 });
    const count = (id: string) => {
      const element = (kpis.elements as Body[]).find((e) => e.elementId === id)!;
      return { entered: element.entered, completed: element.completed };
    };
    expect(count('start')).toEqual({ entered: 5, completed: 5 });
    expect(count('welcomeEmail')).toEqual({ entered: 5, completed: 5 });
    expect(count('orderPlaced')).toEqual({ entered: 3, completed: 3 });
    expect(count('thankYou')).toEqual({ entered: 3, completed: 3 });
    expect(count('converted')).toEqual({ entered: 3, completed: 3 });
    expect((kpis.elements as Body[]).find((e) => e.elementId === 'threeDays')?.entered ?? 0).toBe(0);
  }, 120_000);
});
