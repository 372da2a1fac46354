import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'supertest/types';
import { ZeebeClientRepository, type ZeebeGrpcClient } from '../src/engine-host';
import { createKeys, type RoleKeys, withKey } from './helpers/auth';
import { createTestApp, type TestApp } from './helpers/test-app';
import { until } from './helpers/until';
import { sendEmails } from './helpers/touchpoints';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The journey of the brief, as a modeller saved it: welcome email, then wait for an order (or three days), thank the buyers. */
const WELCOME_JOURNEY = readFileSync(join(__dirname, 'fixtures', 'new-user.welcome.bpmn'), 'utf8');
/** The same diagram before the analyst gave the thank-you task its job type. */
const BROKEN_JOURNEY = WELCOME_JOURNEY.replace(/(<bpmn:serviceTask id="thankYou"[^]*?)<zeebe:taskDefinition type="touchpoint.email" \/>/, '$1');

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
  const as = (role: keyof RoleKeys) => withKey(http, keys[role]);

  beforeAll(async () => {
    testApp = await createTestApp();
    http = testApp.app.getHttpServer();
    keys = await createKeys(testApp);
    zeebe = testApp.app.get(ZeebeClientRepository).client;
  }, 60_000);
  afterAll(() => testApp?.close());

  it('should model, deploy, enrol, run and measure a welcome journey', async () => {
    // The analyst creates the journey and uploads a first, broken diagram: lint finds it.
    const journey = (
      await as('analyst')
        .post('/api/journeys', { processId: 'first-journey', name: 'Welcome', goal: { type: 'end_event', endEventId: 'converted' }, reentry: 'never' })
        .expect(201)
    ).body;
    expect(BROKEN_JOURNEY).not.toBe(WELCOME_JOURNEY);
    await as('analyst').post(`/api/journeys/${journey.id}/versions`, { bpmnXml: BROKEN_JOURNEY }).expect(201);
    const stored = (await as('owner').get(`/api/journeys/${journey.id}/versions/1`).expect(200)).body;
    expect(stored.validation).toMatchObject({ valid: false, errorCount: 1 });
    expect(stored.validation.problems).toEqual([expect.objectContaining({ elementId: 'thankYou', category: 'error' })]);
    const refused = (await as('analyst').post(`/api/journeys/${journey.id}/versions/1/deploy`).expect(422)).body;
    expect(refused.problems).toEqual(expect.arrayContaining([expect.objectContaining({ elementId: 'thankYou', category: 'error' })]));

    // A fixed version deploys and is live.
    await as('analyst').post(`/api/journeys/${journey.id}/versions`, { bpmnXml: WELCOME_JOURNEY }).expect(201);
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
    await sendEmails(zeebe, 'welcome', CUSTOMERS);
    for (const name of BUYERS) {
      await as('client')
        .post('/api/events', { source: 'shop', eventId: `order-${name}`, type: 'order.placed', customerId: name, occurredAt: new Date().toISOString(), revenue: 42, currency: 'EUR' })
        .expect(201);
    }
    await sendEmails(zeebe, 'thank-you', BUYERS);

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
    const anasInstance = String(enrolments.get('ana')!.processInstanceKey);
    expect(history.items.map((item: Body) => [item.kind, item.processInstanceKey, item.touchpoint?.elementId ?? item.instance?.state])).toEqual([
      ['touchpoint', anasInstance, 'thankYou'],
      ['touchpoint', anasInstance, 'welcomeEmail'],
      ['journey', anasInstance, 'completed'],
    ]);

    // Dan gives up: his enrolment is cancelled while he waits for an order.
    await as('client').delete(`/api/enrolments/${enrolments.get('dan')!.id}`).expect(200);

    // …and the KPIs count what the test drove.
    const kpis = await until(
      'the KPIs of the completed instances',
      async () => (await as('owner').get(`/api/journeys/${journey.id}/kpis`).expect(200)).body,
      (body) => body.instances.completed === BUYERS.length && body.instances.terminated === 1,
    );
    expect(kpis.instances).toEqual({ started: 5, completed: 3, terminated: 1, active: 1, converted: 3, conversionRate: 3 / 5 });
    const count = (id: string) => {
      const element = (kpis.elements as Body[]).find((e) => e.elementId === id)!;
      return { entered: element.entered, completed: element.completed, inFlight: element.inFlight, dropped: element.dropped };
    };
    expect(count('start')).toEqual({ entered: 5, completed: 5, inFlight: 0, dropped: 0 });
    expect(count('welcomeEmail')).toEqual({ entered: 5, completed: 5, inFlight: 0, dropped: 0 });
    // The event-based gateway is where customers wait: Ben still does, Dan left there.
    expect(count('waitForOrder')).toEqual({ entered: 5, completed: 3, inFlight: 1, dropped: 1 });
    expect(count('orderPlaced')).toEqual({ entered: 3, completed: 3, inFlight: 0, dropped: 0 });
    expect(count('thankYou')).toEqual({ entered: 3, completed: 3, inFlight: 0, dropped: 0 });
    expect(count('converted')).toEqual({ entered: 3, completed: 3, inFlight: 0, dropped: 0 });
    expect(count('threeDays')).toEqual({ entered: 0, completed: 0, inFlight: 0, dropped: 0 });
    expect(count('noOrder')).toEqual({ entered: 0, completed: 0, inFlight: 0, dropped: 0 });
    const waited = (kpis.elements as Body[]).find((e) => e.elementId === 'waitForOrder')!.timeInActivity;
    expect(waited).toMatchObject({ samples: 3 });
    expect(waited.p50Ms).toBeGreaterThan(0);
  }, 120_000);
});
