import { Pool } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { ZeebeClientRepository, type ZeebeGrpcClient } from '../src/engine-host';
import { findFreePort } from '../src/repositories/tcp-port';
import { EventDispatcherService, MessageRoutingTableService } from '../src/services';
import { createKeys, expectAuthMatrix, type RoleKeys } from './helpers/auth';
import { isWaitingAt } from './helpers/event-records';
import { records } from './helpers/records';
import { createTestApp, type TestApp } from './helpers/test-app';
import { eventually } from './helpers/until';

const WAIT_FOR_ORDER = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  id="wait-for-order-definitions" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:message id="ordered" name="order.placed">
    <bpmn:extensionElements><zeebe:subscription correlationKey="=customerId"/></bpmn:extensionElements>
  </bpmn:message>
  <bpmn:process id="wait-for-order" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="orderPlaced"/>
    <bpmn:intermediateCatchEvent id="orderPlaced"><bpmn:messageEventDefinition messageRef="ordered"/></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="orderPlaced" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;

const WELCOME_ON_REGISTRATION = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  id="welcome-on-registration-definitions" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:message id="registered" name="customer.registered"/>
  <bpmn:process id="welcome-on-registration" isExecutable="true">
    <bpmn:startEvent id="registeredStart"><bpmn:messageEventDefinition messageRef="registered"/></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="registeredStart" targetRef="welcome"/>
    <bpmn:serviceTask id="welcome"><bpmn:extensionElements><zeebe:taskDefinition type="test.welcome"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="welcome" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;

describe('customer events (e2e)', () => {
  let testApp: TestApp;
  let http: App;
  let keys: RoleKeys;
  let db: Pool;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = testApp.app.getHttpServer();
    keys = await createKeys(testApp);
    db = new Pool({ connectionString: testApp.databaseUrl, max: 2 });
  });

  afterAll(async () => {
    await db?.end();
    await testApp?.close();
  });

  const post = (body: object, key = keys.client) => request(http).post('/api/events').set('x-api-key', key).send(body);
  const batch = (events: object[]) => request(http).post('/api/events/batch').set('x-api-key', keys.client).send({ events });
  const customer = async (id: string) => (await request(http).get(`/api/customers/${id}`).set('x-api-key', keys.client).expect(200)).body;
  const event = (overrides: object) => ({ type: 'page.viewed', occurredAt: '2025-09-01T10:00:00Z', ...overrides });

  describe('POST /api/events', () => {
    it('should store an event (201) for a customer it creates, and update the aggregates', async () => {
      // when
      const response = await post(
        event({ eventId: 'one-1', type: 'order.placed', customerId: 'ev-1', channel: 'web', properties: { orderId: 'o-1', items: 2 }, revenue: 59.9, currency: 'EUR' }),
      ).expect(201);

      // then
      expect(response.body).toEqual({ source: 'default', eventId: 'one-1', status: 'accepted', duplicate: false });
      expect((await customer('ev-1')).aggregates).toEqual({
        firstSeenAt: '2025-09-01T10:00:00.000Z',
        lastSeenAt: '2025-09-01T10:00:00.000Z',
        eventCount: 1,
        purchaseCount: 1,
        firstPurchaseAt: '2025-09-01T10:00:00.000Z',
        lastPurchaseAt: '2025-09-01T10:00:00.000Z',
        revenue: { EUR: { amount: 59.9, purchaseCount: 1 } },
        channels: { web: { lastInteractionAt: '2025-09-01T10:00:00.000Z', eventCount: 1 } },
      });
    });

    it('should answer a second post of the same event with 200 and duplicate: true, changing nothing', async () => {
      // given
      const purchase = event({ source: 'shop', eventId: 'dup-1', type: 'order.placed', customerId: 'ev-dup', revenue: 10, currency: 'EUR', channel: 'web' });
      await post(purchase).expect(201);
      const before = await customer('ev-dup');

      // when: the same event again, even with other content
      const again = await post({ ...purchase, revenue: 999, occurredAt: '2024-01-01T00:00:00+01:00' }).expect(200);

      // then
      expect(again.body).toEqual({ source: 'shop', eventId: 'dup-1', status: 'duplicate', duplicate: true });
      expect((await customer('ev-dup')).aggregates).toEqual(before.aggregates);
    });

    it('should scope event ids by source', async () => {
      await post(event({ source: 'shop', eventId: 'same-id', customerId: 'ev-src' })).expect(201);

      await post(event({ source: 'crm', eventId: 'same-id', customerId: 'ev-src' })).expect(201);

      expect((await customer('ev-src')).aggregates.eventCount).toBe(2);
    });

    it('should answer 400 with the problems per field', async () => {
      // when
      const response = await post({
        eventId: '',
        type: 'OrderPlaced',
        customerId: 'c-1',
        anonymousId: 'a-1',
        occurredAt: '2025-09-01 10:00',
        properties: [1, 2],
        revenue: -1,
        channel: 'Web',
        color: 'red',
      }).expect(400);

      // then
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: 'Validation failed' });
      expect(response.body.details).toEqual([
        { field: 'color', messages: ['property color should not exist'] },
        { field: 'eventId', messages: ['eventId must be 1 to 200 characters without control characters'] },
        { field: 'type', messages: ['type must be dotted lower-case words such as order.placed (at most 100 characters), got "OrderPlaced"'] },
        { field: 'customerId', messages: ['exactly one of customerId and anonymousId must be given'] },
        { field: 'occurredAt', messages: ['occurredAt must be an ISO 8601 date-time with a time zone, e.g. 2025-11-26T09:30:00Z'] },
        { field: 'properties', messages: ['properties must be a JSON object'] },
        { field: 'revenue', messages: ['revenue must be a number from 0 to 1000000000000 with at most 4 decimals, given with currency'] },
        { field: 'currency', messages: ['currency must be an ISO 4217 currency code such as EUR, given with revenue'] },
        { field: 'channel', messages: ['channel must be a channel name in lower case (letters, digits, _; e.g. email, sms, in_app), got "Web"'] },
      ]);
    });

    it('should refuse events from the future and bodies that are not objects', async () => {
      const future = await post(event({ eventId: 'future', customerId: 'ev-future', occurredAt: new Date(Date.now() + 3 * 86_400_000).toISOString() })).expect(400);
      const notAnObject = await request(http).post('/api/events').set('x-api-key', keys.client).set('content-type', 'application/json').send('[1]').expect(400);

      expect(future.body.details[0].field).toBe('occurredAt');
      expect(future.body.details[0].messages[0]).toContain('must not be in the future');
      expect(notAnObject.body.details).toEqual([{ field: '(body)', messages: ['the body must be an event object'] }]);
    });
  });

  describe('POST /api/events/batch', () => {
    it('should store a batch in one go, with a status per event, and aggregates computed over all of it', async () => {
      // given
      const events = [
        event({ eventId: 'b-1', customerId: 'ev-b1', occurredAt: '2025-09-02T10:00:00Z', channel: 'web' }),
        event({ eventId: 'b-2', customerId: 'ev-b1', occurredAt: '2025-09-01T10:00:00Z', channel: 'email', type: 'email.opened' }),
        event({ eventId: 'b-3', customerId: 'ev-b1', occurredAt: '2025-09-03T10:00:00Z', type: 'order.placed', revenue: 12.5, currency: 'EUR', channel: 'web' }),
        event({ eventId: 'b-4', customerId: 'ev-b1', occurredAt: '2025-09-04T10:00:00Z', type: 'order.placed', revenue: 7, currency: 'USD', channel: 'store' }),
        event({ eventId: 'b-5', customerId: 'ev-b2', occurredAt: '2025-09-05T10:00:00Z' }),
        event({ eventId: 'b-1', customerId: 'ev-b1', occurredAt: '2025-09-09T10:00:00Z' }),
      ];

      // when
      const response = await batch(events).expect(200);
      const again = await batch(events.slice(0, 3)).expect(200);

      // then
      expect(response.body).toMatchObject({ accepted: 5, duplicates: 1, refused: 0 });
      expect(response.body.results.map((r: { eventId: string; status: string }) => `${r.eventId}:${r.status}`)).toEqual([
        'b-1:accepted',
        'b-2:accepted',
        'b-3:accepted',
        'b-4:accepted',
        'b-5:accepted',
        'b-1:duplicate',
      ]);
      expect(again.body).toMatchObject({ accepted: 0, duplicates: 3 });
      expect((await customer('ev-b1')).aggregates).toEqual({
        firstSeenAt: '2025-09-01T10:00:00.000Z',
        lastSeenAt: '2025-09-04T10:00:00.000Z',
        eventCount: 4,
        purchaseCount: 2,
        firstPurchaseAt: '2025-09-03T10:00:00.000Z',
        lastPurchaseAt: '2025-09-04T10:00:00.000Z',
        revenue: { EUR: { amount: 12.5, purchaseCount: 1 }, USD: { amount: 7, purchaseCount: 1 } },
        channels: {
          web: { lastInteractionAt: '2025-09-03T10:00:00.000Z', eventCount: 2 },
          email: { lastInteractionAt: '2025-09-01T10:00:00.000Z', eventCount: 1 },
          store: { lastInteractionAt: '2025-09-04T10:00:00.000Z', eventCount: 1 },
        },
      });
      expect((await customer('ev-b2')).aggregates.eventCount).toBe(1);
    });

    it('should reject the whole batch when one event is invalid, naming it', async () => {
      // when
      const response = await batch([event({ eventId: 'v-1', customerId: 'ev-v' }), event({ eventId: 'v-2', type: 'bad type' })]).expect(400);

      // then
      expect(response.body.details).toEqual([
        { field: 'events.1.type', messages: ['type must be dotted lower-case words such as order.placed (at most 100 characters), got "bad type"'] },
        { field: 'events.1.customerId', messages: ['exactly one of customerId and anonymousId must be given'] },
      ]);
      await request(http).get('/api/customers/ev-v').set('x-api-key', keys.client).expect(404);
    });

    it('should take 1,000 events and refuse more, or none', async () => {
      const many = (n: number) => Array.from({ length: n }, (_, i) => event({ eventId: `m-${n}-${i}`, customerId: `ev-m-${i % 50}` }));

      const full = await batch(many(1_000)).expect(200);
      const tooMany = await batch(many(1_001)).expect(400);
      const none = await batch([]).expect(400);

      expect(full.body).toMatchObject({ accepted: 1_000, duplicates: 0 });
      expect(tooMany.body.details).toEqual([{ field: 'events', messages: ['events must be an array of 1 to 1000 events'] }]);
      expect(none.body.details).toEqual(tooMany.body.details);
    });

    it('should keep aggregates exact under concurrent batches for the same customers', async () => {
      // given: 8 batches in parallel, each touching the same 20 customers
      const batches = Array.from({ length: 8 }, (_, b) =>
        Array.from({ length: 100 }, (_, i) => event({ eventId: `c-${b}-${i}`, customerId: `ev-c-${i % 20}`, revenue: 1, currency: 'EUR' })),
      );

      // when
      const responses = await Promise.all(batches.map((events) => batch(events)));

      // then
      expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
      const totals = await Promise.all(Array.from({ length: 20 }, (_, i) => customer(`ev-c-${i}`)));
      expect(totals.map((c) => [c.aggregates.eventCount, c.aggregates.revenue.EUR.amount])).toEqual(Array(20).fill([40, 40]));
    });
  });

  describe('anonymous visitors', () => {
    it('should make one Ghost profile per anonymous id when concurrent batches see it first', async () => {
      // given: 6 batches in parallel, each with the same 20 anonymous ids, new to the service
      const batches = Array.from({ length: 6 }, (_, b) => Array.from({ length: 40 }, (_, i) => event({ eventId: `g-${b}-${i}`, anonymousId: `anon-new-${i % 20}` })));

      // when
      const responses = await Promise.all(batches.map((events) => batch(events)));
      for (let i = 0; i < 20; i++) {
        await request(http).post(`/api/customers/ev-anon-${i}/identify`).set('x-api-key', keys.client).send({ anonymousId: `anon-new-${i}` }).expect(200);
      }

      // then: every anonymous id's 12 events ended up on its customer
      expect(responses.every((response) => response.body.accepted === 40)).toBe(true);
      const counts = await Promise.all(Array.from({ length: 20 }, async (_, i) => (await customer(`ev-anon-${i}`)).aggregates.eventCount));
      expect(counts).toEqual(Array(20).fill(12));
    });

    it('should lose no event of an anonymous visitor identified while its events pour in', async () => {
      // given
      const batches = Array.from({ length: 5 }, (_, b) => Array.from({ length: 100 }, (_, i) => event({ eventId: `race-${b}-${i}`, anonymousId: 'anon-race' })));
      await batch([event({ eventId: 'race-first', anonymousId: 'anon-race' })]).expect(200);

      // when
      const [identified] = await Promise.all([
        request(http).post('/api/customers/ev-race/identify').set('x-api-key', keys.client).send({ anonymousId: 'anon-race' }),
        ...batches.map((events) => batch(events).expect(200)),
      ]);

      // then
      expect(identified.status).toBe(200);
      expect((await customer('ev-race')).aggregates.eventCount).toBe(501);
    });
  });

  describe('routing to journeys', () => {
    const zeebe = () => testApp.app.get(ZeebeClientRepository).client;

    beforeAll(async () => {
      await zeebe().deployResource({ process: Buffer.from(WAIT_FOR_ORDER), name: 'wait-for-order.bpmn' });
      await zeebe().deployResource({ process: Buffer.from(WELCOME_ON_REGISTRATION), name: 'welcome-on-registration.bpmn' });
    });

    it('should continue a journey instance waiting for the event, keyed by the customer id', async () => {
      // given: an instance waiting for order.placed of customer ev-route, and an order of someone else
      const finished = zeebe().createProcessInstanceWithResult({ bpmnProcessId: 'wait-for-order', variables: { customerId: 'ev-route' }, requestTimeout: 20_000 });
      await post(event({ eventId: 'r-0', type: 'order.placed', customerId: 'ev-someone-else', properties: { orderId: 'not-mine' } })).expect(201);
      await new Promise((resolve) => setTimeout(resolve, 200));

      // when
      await post(
        event({ source: 'shop', eventId: 'r-1', type: 'order.placed', customerId: 'ev-route', properties: { orderId: 'o-7' }, revenue: 42, currency: 'EUR', channel: 'web' }),
      ).expect(201);

      // then
      const result = await finished;
      expect(result.variables).toMatchObject({
        customerId: 'ev-route',
        orderId: 'o-7',
        type: 'order.placed',
        eventId: 'r-1',
        occurredAt: '2025-09-01T10:00:00.000Z',
        revenue: 42,
        currency: 'EUR',
        channel: 'web',
      });
      await eventually('the event to be published', async () => (await routingOf('ev-route'))['r-1'] === 'published');
    });

    it('should let an instance catch an event posted before it reached its catch event, for the message time to live', async () => {
      // given: the event is published while no instance of the customer waits for it
      await post(event({ eventId: 'early-1', type: 'order.placed', customerId: 'ev-early', properties: { orderId: 'o-early' } })).expect(201);
      await eventually('the early event to be published', async () => (await routingOf('ev-early'))['early-1'] === 'published');

      // when
      const result = await zeebe().createProcessInstanceWithResult({ bpmnProcessId: 'wait-for-order', variables: { customerId: 'ev-early' }, requestTimeout: 20_000 });

      // then: the message was buffered for EVENT_MESSAGE_TTL_MS (60 s by default), and caught
      expect(result.variables).toMatchObject({ customerId: 'ev-early', orderId: 'o-early', eventId: 'early-1' });
      const published = await messagesPublished(db, 'default/early-1');
      expect(published.map((message) => [message.value.correlationKey, message.value.timeToLive])).toEqual([['ev-early', 60_000]]);
    });

    it('should start a journey on a message start event, with the customer id as a variable', async () => {
      // when
      await post(event({ eventId: 'reg-1', type: 'customer.registered', customerId: 'ev-welcome', properties: { plan: 'trial' } })).expect(201);

      // then
      const job = await waitForJob('test.welcome', (variables) => variables.customerId === 'ev-welcome');
      expect(job.variables).toMatchObject({ customerId: 'ev-welcome', plan: 'trial', type: 'customer.registered', eventId: 'reg-1' });
      await zeebe().completeJob({ jobKey: job.key, variables: {} });
    });

    it('should correlate the events of an anonymous visitor merged since to the customer', async () => {
      // given: the instance waits for the customer; the dispatcher is held so that the merge comes first
      const dispatcher = testApp.app.get(EventDispatcherService);
      await dispatcher.stop();
      const finished = zeebe().createProcessInstanceWithResult({ bpmnProcessId: 'wait-for-order', variables: { customerId: 'ev-merged' }, requestTimeout: 20_000 });
      try {
        await post(event({ eventId: 'am-1', type: 'order.placed', anonymousId: 'anon-merged', properties: { orderId: 'o-anon' } })).expect(201);
        await request(http).post('/api/customers/ev-merged/identify').set('x-api-key', keys.client).send({ anonymousId: 'anon-merged' }).expect(200);
      } finally {
        dispatcher.start();
      }

      // then
      expect((await finished).variables).toMatchObject({ customerId: 'ev-merged', orderId: 'o-anon' });
    });

    it('should keep events in the outbox while the dispatcher is stopped, and publish them when it starts again', async () => {
      // given
      const dispatcher = testApp.app.get(EventDispatcherService);
      await dispatcher.stop();
      try {
        await post(event({ eventId: 'held-1', type: 'order.placed', customerId: 'ev-held' })).expect(201);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect((await routingOf('ev-held'))['held-1']).toBe('pending');
      } finally {
        // when
        dispatcher.start();
      }

      // then
      await eventually('the held event to be published', async () => (await routingOf('ev-held'))['held-1'] === 'published');
    });

    it('should publish only the types a deployed journey catches once the routing table is fed', async () => {
      // given
      const routing = testApp.app.get(MessageRoutingTableService);
      routing.replaceCatchableNames(['order.placed', 'customer.registered']);
      try {
        // when
        await batch([
          event({ eventId: 'rt-1', type: 'page.viewed', customerId: 'ev-table' }),
          event({ eventId: 'rt-2', type: 'order.placed', customerId: 'ev-table' }),
        ]).expect(200);

        // then
        await eventually('the routing to catch up', async () => {
          const routed = await routingOf('ev-table');
          return routed['rt-1'] === 'skipped' && routed['rt-2'] === 'published';
        });
      } finally {
        routing.routeEverything();
      }
    });

    async function routingOf(customerId: string): Promise<Record<string, string>> {
      const exported = await request(http).get(`/api/customers/${customerId}/export`).set('x-api-key', keys.client).expect(200);
      return Object.fromEntries(exported.body.events.map((e: { eventId: string; routing: string }) => [e.eventId, e.routing]));
    }

    function waitForJob(type: string, mine: (variables: Record<string, unknown>) => boolean) {
      return waitForJobOf(zeebe(), type, mine);
    }
  });

  describe('roles', () => {
    it('should let only client (and admin) send events', async () => {
      await expectAuthMatrix(http, { method: 'post', path: '/api/events', body: {} }, ['client']);
      await expectAuthMatrix(http, { method: 'post', path: '/api/events/batch', body: {} }, ['client']);
    });
  });
});

describe('customer events whose message time to live runs out (e2e)', () => {
  const TTL_MS = 1_000;
  let testApp: TestApp;
  let http: App;
  let keys: RoleKeys;
  let db: Pool;
  let zeebe: ZeebeGrpcClient;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { EVENT_MESSAGE_TTL_MS: String(TTL_MS) } });
    http = testApp.app.getHttpServer();
    keys = await createKeys(testApp);
    db = new Pool({ connectionString: testApp.databaseUrl, max: 2 });
    zeebe = testApp.app.get(ZeebeClientRepository).client;
    await zeebe.deployResource({ process: Buffer.from(WAIT_FOR_ORDER), name: 'wait-for-order.bpmn' });
    await zeebe.deployResource({ process: Buffer.from(WELCOME_ON_REGISTRATION), name: 'welcome-on-registration.bpmn' });
  });

  afterAll(async () => {
    await db?.end();
    await testApp?.close();
  });

  const post = (body: object) => request(http).post('/api/events').set('x-api-key', keys.client).send(body);
  const batch = (events: object[]) => request(http).post('/api/events/batch').set('x-api-key', keys.client).send({ events });

  /** Waits until the message of the event was published and, its time to live over, expired. */
  async function expiredMessageOf(messageId: string): Promise<void> {
    const [published] = await waitForMessagesPublished(db, messageId);
    expect(published.value.timeToLive).toBe(TTL_MS);
    await eventually('the message to expire', async () => (await records(db, { valueType: 'MESSAGE', intent: 'EXPIRED', after: published.position })).some((expired) => expired.key === published.key));
  }

  it('should not let an instance catch an event whose message time to live ran out before it reached its catch event', async () => {
    // given: an order of the customer, whose message expired unclaimed
    await post({ eventId: 'late-1', type: 'order.placed', customerId: 'ev-late', occurredAt: '2025-09-01T10:00:00Z', properties: { orderId: 'o-expired' } }).expect(201);
    await expiredMessageOf('default/late-1');

    // when
    const finished = zeebe.createProcessInstanceWithResult({ bpmnProcessId: 'wait-for-order', variables: { customerId: 'ev-late' }, requestTimeout: 20_000 });
    const [instance] = await waitForInstancesOf(db, 'wait-for-order', 'ev-late', 1);
    await eventually('the instance to wait at orderPlaced', () => isWaitingAt(db, instance, 'orderPlaced'));

    // then: it waits with nothing correlated, and the next order is the one it catches
    expect(await records(db, { processInstanceKey: instance, valueType: 'PROCESS_MESSAGE_SUBSCRIPTION', intent: 'CORRELATED' })).toEqual([]);
    await post({ eventId: 'late-2', type: 'order.placed', customerId: 'ev-late', occurredAt: '2025-09-01T11:00:00Z', properties: { orderId: 'o-fresh' } }).expect(201);
    expect((await finished).variables).toMatchObject({ customerId: 'ev-late', orderId: 'o-fresh', eventId: 'late-2' });
  });

  it('should start one instance with one message for an event posted twice, alone and in batches, at once and after its message expired', async () => {
    // given
    const registration = { eventId: 'reg-once', type: 'customer.registered', customerId: 'ev-once', occurredAt: '2025-09-01T10:00:00Z' };

    // when: the event comes alone and in batches at the same time…
    const first = await Promise.all([post(registration), post(registration), batch([registration, registration]), batch([registration])]);
    // …the instance it started ends and its message expires, so that the engine would start another for the same message…
    const job = await waitForJobOf(zeebe, 'test.welcome', (variables) => variables.customerId === 'ev-once');
    await zeebe.completeJob({ jobKey: job.key, variables: {} });
    await eventually('the instance to complete', async () => (await records(db, { processInstanceKey: job.processInstanceKey, bpmnElementType: 'PROCESS', intent: 'ELEMENT_COMPLETED' })).length === 1);
    await expiredMessageOf('default/reg-once');
    // …and then comes again, alone and in a batch, followed by a later event of the customer
    const again = [await post(registration), await batch([registration, { ...registration, occurredAt: '2025-09-02T10:00:00Z' }])];
    await post({ eventId: 'reg-once-after', type: 'customer.registered', customerId: 'ev-once', occurredAt: '2025-09-03T10:00:00Z' }).expect(201);
    const [, after] = await waitForInstancesOf(db, 'welcome-on-registration', 'ev-once', 2);

    // then: one of the first posts stored it; everything else was a duplicate
    const statuses = [
      first[0].body.status,
      first[1].body.status,
      ...first[2].body.results.map((result: { status: string }) => result.status),
      ...first[3].body.results.map((result: { status: string }) => result.status),
    ];
    expect(statuses.filter((status) => status === 'accepted')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'duplicate')).toHaveLength(statuses.length - 1);
    expect([again[0].status, again[0].body.status, again[1].body.duplicates]).toEqual([200, 'duplicate', 2]);
    // one BPMN message for the event, one instance from it; the later event started the only other one
    expect(await messagesPublished(db, 'default/reg-once')).toHaveLength(1);
    expect(await instancesOf(db, 'welcome-on-registration', 'ev-once')).toEqual([String(job.processInstanceKey), after]);
    const second = await waitForJobOf(zeebe, 'test.welcome', (variables) => variables.customerId === 'ev-once');
    expect(second.variables).toMatchObject({ eventId: 'reg-once-after' });
  });
});

describe('customer events while the engine is unreachable (e2e)', () => {
  it('should accept events at once and keep them in the outbox, and shut down without waiting for the engine', async () => {
    // given: a service whose Zeebe gateway does not answer
    const testApp = await createTestApp({ env: { ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${await findFreePort()}` } });
    let closed = false;
    try {
      const http = testApp.app.getHttpServer();
      const keys = await createKeys(testApp);

      // when
      const started = Date.now();
      await request(http)
        .post('/api/events')
        .set('x-api-key', keys.client)
        .send({ eventId: 'offline-1', type: 'order.placed', customerId: 'ev-offline', occurredAt: '2025-09-01T10:00:00Z' })
        .expect(201);
      const took = Date.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const exported = await request(http).get('/api/customers/ev-offline/export').set('x-api-key', keys.client).expect(200);
      const closing = Date.now();
      await testApp.close();
      closed = true;

      // then
      expect(took).toBeLessThan(2_000);
      expect(exported.body.events.map((e: { eventId: string; routing: string }) => [e.eventId, e.routing])).toEqual([['offline-1', 'pending']]);
      expect(Date.now() - closing).toBeLessThan(5_000);
    } finally {
      if (!closed) await testApp.close();
    }
  });
});

/** Activates jobs of `type` until one for which `mine` holds arrives. */
async function waitForJobOf(zeebe: ZeebeGrpcClient, type: string, mine: (variables: Record<string, unknown>) => boolean) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const jobs = await zeebe.activateJobs({ type, worker: 'events-test', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: 500 } as never);
    const job = jobs.find((candidate) => mine(candidate.variables as Record<string, unknown>));
    if (job) return job;
  }
  throw new Error(`no ${type} job arrived`);
}

/** The engine's MESSAGE PUBLISHED records of a message id (`source/eventId`), in order. */
async function messagesPublished(db: Pool, messageId: string) {
  return (await records(db, { valueType: 'MESSAGE', intent: 'PUBLISHED' })).filter((message) => message.value.messageId === messageId);
}

async function waitForMessagesPublished(db: Pool, messageId: string) {
  await eventually(`message ${messageId} to be published`, async () => (await messagesPublished(db, messageId)).length > 0);
  return messagesPublished(db, messageId);
}

/** Keys of the instances of a process that have the variable customerId = `customerId`, in creation order. */
async function instancesOf(db: Pool, bpmnProcessId: string, customerId: string): Promise<string[]> {
  const { rows } = await db.query(
    `select p.key::text as key from engine.record p
      where p.value_type = 'PROCESS_INSTANCE' and p.bpmn_element_type = 'PROCESS' and p.intent = 'ELEMENT_ACTIVATING' and p.element_id = $1
        and exists (select 1 from engine.record v
                     where v.process_instance_key = p.key and v.value_type = 'VARIABLE'
                       and v.value->>'name' = 'customerId' and v.value->>'value' = $2)
      order by p.position`,
    [bpmnProcessId, JSON.stringify(customerId)],
  );
  return rows.map((row: { key: string }) => row.key);
}

async function waitForInstancesOf(db: Pool, bpmnProcessId: string, customerId: string, count: number): Promise<string[]> {
  await eventually(`${count} instance(s) of ${bpmnProcessId}`, async () => (await instancesOf(db, bpmnProcessId, customerId)).length >= count);
  return instancesOf(db, bpmnProcessId, customerId);
}
