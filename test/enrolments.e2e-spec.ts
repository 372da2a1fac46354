import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { ZeebeClientRepository, type ZeebeGrpcClient } from '../src/engine-host';
import { ProcessInstanceRepository, ZeebeInstanceStateRepository } from '../src/repositories';
import { EnrolmentJobService, MessageRoutingRefreshService, MessageRoutingTableService } from '../src/services';
import { createKeys, expectAuthMatrix, type RoleKeys, withKey } from './helpers/auth';
import { records, waitForRecord } from './helpers/records';
import { createTestApp, type TestApp } from './helpers/test-app';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Vars = Record<string, any>;
type Job = { key: string; processInstanceKey: string; retries: number; variables: Vars };

/**
 * start → send (a service task of type `work.<processId>`) → wait_click (message `email.clicked`,
 * correlation key `=customerId`) → end. `signup`: also a message start event.
 */
function journeyXml(processId: string, options: { startMessage?: string } = {}): string {
  const start = options.startMessage
    ? `<bpmn:startEvent id="signed_up" name="Signed up"><bpmn:messageEventDefinition messageRef="m_start"/></bpmn:startEvent>
       <bpmn:sequenceFlow id="f0" sourceRef="signed_up" targetRef="send"/>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  id="definitions_${processId}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:message id="m_click" name="email.clicked"><bpmn:extensionElements><zeebe:subscription correlationKey="=customerId"/></bpmn:extensionElements></bpmn:message>
  ${options.startMessage ? `<bpmn:message id="m_start" name="${options.startMessage}"/>` : ''}
  <bpmn:process id="${processId}" name="Enrolment test" isExecutable="true">
    <bpmn:startEvent id="start" name="Enrolled"/>
    ${start}
    <bpmn:serviceTask id="send" name="Send"><bpmn:extensionElements><zeebe:taskDefinition type="work.${processId}"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:intermediateCatchEvent id="wait_click" name="Clicked"><bpmn:messageEventDefinition messageRef="m_click"/></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end" name="Done"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="send"/>
    <bpmn:sequenceFlow id="f2" sourceRef="send" targetRef="wait_click"/>
    <bpmn:sequenceFlow id="f3" sourceRef="wait_click" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>`;
}

async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('enrolments and incidents (e2e)', () => {
  let testApp: TestApp;
  let http: App;
  let keys: RoleKeys;
  let zeebe: ZeebeGrpcClient;
  let db: Pool;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = testApp.app.getHttpServer();
    keys = await createKeys(testApp);
    zeebe = testApp.app.get(ZeebeClientRepository).client;
    db = new Pool({ connectionString: testApp.databaseUrl, max: 2 });
  });

  afterAll(async () => {
    await db?.end();
    await testApp?.close();
  });

  const as = (role: keyof RoleKeys) => withKey(http, keys[role]);
  const client = () => as('client');

  async function deployedJourney(processId: string, extra: object = {}, xml = journeyXml(processId)): Promise<Body> {
    const analyst = as('analyst');
    const journey = (await analyst.post('/api/journeys', { processId, name: `Journey ${processId}`, kpiListeners: { enabled: false }, ...extra }).expect(201)).body;
    const version = (await analyst.post(`/api/journeys/${journey.id}/versions`, { bpmnXml: xml }).expect(201)).body;
    expect(version.validation.problems.filter((p: Body) => p.category === 'error')).toEqual([]);
    await analyst.post(`/api/journeys/${journey.id}/versions/${version.version}/deploy`).expect(201);
    return journey;
  }

  async function customer(externalId: string, profile: { attributes?: object } & Record<string, unknown> = {}): Promise<void> {
    const response = await client().put(`/api/customers/${externalId}`, { ...profile, attributes: { test: 'enrolments', ...profile.attributes } });
    expect([200, 201]).toContain(response.status);
  }

  function enrol(journeyId: string, body: object, idempotencyKey?: string) {
    const call = request(http).post(`/api/journeys/${journeyId}/enrolments`).set('x-api-key', keys.client);
    return (idempotencyKey === undefined ? call : call.set('Idempotency-Key', idempotencyKey)).send(body);
  }

  async function instancesCreated(processId: string): Promise<number> {
    const { rows } = await db.query(
      `select count(*)::int as n from engine.record where value_type = 'PROCESS_INSTANCE_CREATION' and value->>'bpmnProcessId' = $1`,
      [processId],
    );
    return rows[0].n as number;
  }

  /** Activates the job of the instance (of type work.<processId>), waiting for it. */
  async function jobOf(processId: string, processInstanceKey: string): Promise<Job> {
    return waitFor(async () => {
      const jobs = (await zeebe.activateJobs({ type: `work.${processId}`, worker: 'enrolments-e2e', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: 500 } as never)) as unknown as Job[];
      const mine = jobs.find((job) => String(job.processInstanceKey) === processInstanceKey);
      for (const other of jobs.filter((job) => job !== mine)) {
        await zeebe.failJob({ jobKey: other.key, retries: other.retries, errorMessage: 'not this test', retryBackOff: 0 });
      }
      return mine;
    }, `the job of instance ${processInstanceKey}`);
  }

  /** Runs the enrolment's instance to its end: the job completes, then the customer's click arrives. */
  async function finish(processId: string, enrolment: Body): Promise<Body> {
    const job = await jobOf(processId, enrolment.processInstanceKey);
    await zeebe.completeJob({ jobKey: job.key, variables: { sent: true } });
    await waitForRecord(db, { processInstanceKey: enrolment.processInstanceKey, elementId: 'wait_click', intent: 'ELEMENT_ACTIVATED' });
    await zeebe.publishMessage({ name: 'email.clicked', correlationKey: enrolment.customerId, timeToLive: 0, variables: {} });
    await waitForRecord(db, { processInstanceKey: enrolment.processInstanceKey, elementId: enrolment.processId, intent: 'ELEMENT_COMPLETED' });
    return (await client().get(`/api/enrolments/${enrolment.id}`).expect(200)).body;
  }

  describe('message routing table', () => {
    it('should route every event type until a journey is deployed through Travesía, then only the names journeys catch', async () => {
      // given: nothing deployed yet
      const routing = testApp.app.get(MessageRoutingTableService);
      expect(routing.isRouted('page.viewed')).toBe(true);

      // when
      const journey = await deployedJourney('routing-signup', {}, journeyXml('routing-signup', { startMessage: 'customer.signed_up' }));

      // then: switched right after the deploy
      expect(routing.isRouted('email.clicked')).toBe(true);
      expect(routing.isRouted('customer.signed_up')).toBe(true);
      expect(routing.isRouted('page.viewed')).toBe(false);
      await customer('route-1');
      await client().post('/api/events', { eventId: 'route-view-1', type: 'page.viewed', customerId: 'route-1', occurredAt: '2025-09-01T10:00:00Z' }).expect(201);
      const exported = (await client().get('/api/customers/route-1/export').expect(200)).body;
      expect(exported.events.map((e: Body) => [e.eventId, e.routing])).toEqual([['route-view-1', 'skipped']]);

      // and when archived, its start message is dropped at the next refresh, while instances may still wait for clicks
      await as('analyst').post(`/api/journeys/${journey.id}/archive`).expect(200);
      await testApp.app.get(MessageRoutingRefreshService).refresh();
      expect(routing.isRouted('customer.signed_up')).toBe(false);
      expect(routing.isRouted('email.clicked')).toBe(true);
    });
  });

  describe('POST /api/journeys/:journeyId/enrolments', () => {
    let journey: Body;

    beforeAll(async () => {
      journey = await deployedJourney('enrol-profile', { reentry: 'after_exit' });
    });

    it('should start the journey for the customer with their profile as variables, and learn when the instance ends', async () => {
      // given
      await customer('ana-1', {
        attributes: { firstName: 'Ana', plan: 'gold' },
        addresses: { email: 'ana@example.com', phone: '+34600111222' },
        consents: [
          { channel: 'email', granted: true, source: 'signup-form' },
          { channel: 'sms', granted: false, source: 'signup-form' },
        ],
        timezone: 'Europe/Madrid',
        segment: 'lead',
      });

      // when
      const { body: enrolment } = await enrol(journey.id, { customerId: 'ana-1', variables: { campaign: 'spring' } }).expect(201);

      // then
      expect(enrolment).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        journeyId: journey.id,
        processId: 'enrol-profile',
        version: 1,
        processDefinitionKey: expect.stringMatching(/^\d+$/),
        customerId: 'ana-1',
        processInstanceKey: expect.stringMatching(/^\d+$/),
        status: 'active',
        source: 'api',
        jobId: null,
        idempotencyKey: null,
        enrolledBy: { keyId: expect.any(String), name: 'test client' },
        createdAt: expect.any(String),
        startedAt: expect.any(String),
        endedAt: null,
        cancelledBy: null,
        error: null,
        existing: false,
      });
      const job = await jobOf('enrol-profile', enrolment.processInstanceKey);
      expect(job.variables).toEqual({
        campaign: 'spring',
        customerId: 'ana-1',
        enrolmentId: enrolment.id,
        customer: {
          id: 'ana-1',
          attributes: { test: 'enrolments', firstName: 'Ana', plan: 'gold' },
          channels: { email: 'ana@example.com', phone: '+34600111222' },
          consents: { email: true, sms: false },
          timezone: 'Europe/Madrid',
          segment: 'lead',
          aggregates: expect.objectContaining({ eventCount: 0, purchaseCount: 0, revenue: {}, channels: {} }),
        },
      });

      // and when the job is done and the customer clicks (an event, routed as a message keyed by the customer id)
      await zeebe.completeJob({ jobKey: job.key, variables: {} });
      await waitForRecord(db, { processInstanceKey: enrolment.processInstanceKey, elementId: 'wait_click', intent: 'ELEMENT_ACTIVATED' });
      await client().post('/api/events', { eventId: 'ana-click-1', type: 'email.clicked', customerId: 'ana-1', occurredAt: new Date().toISOString() }).expect(201);

      // then
      const ended = await waitFor(async () => {
        const { body } = await client().get(`/api/enrolments/${enrolment.id}`).expect(200);
        return body.status === 'completed' && body;
      }, 'the enrolment to complete');
      expect(ended.endedAt).toEqual(expect.any(String));
      const { body: asOwner } = await as('owner').get(`/api/enrolments/${enrolment.id}`).expect(200);
      expect(asOwner).toEqual(ended);
    });

    it('should answer a second enrolment of an enrolled customer with the same enrolment (200, existing), starting nothing', async () => {
      // given
      await customer('twice-1');
      const first = await enrol(journey.id, { customerId: 'twice-1' }).expect(201);
      const before = await instancesCreated('enrol-profile');

      // when
      const second = await enrol(journey.id, { customerId: 'twice-1' }).expect(200);

      // then
      expect(second.body).toEqual({ ...first.body, existing: true });
      expect(await instancesCreated('enrol-profile')).toBe(before);
    });

    it('should start one instance for simultaneous enrolments of one customer', async () => {
      // given
      await customer('race-1');
      const before = await instancesCreated('enrol-profile');

      // when
      const responses = await Promise.all(Array.from({ length: 6 }, () => enrol(journey.id, { customerId: 'race-1' })));

      // then
      expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
      expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
      expect(new Set(responses.map((r) => r.body.processInstanceKey)).size).toBe(1);
      expect(responses.filter((r) => r.body.existing).length).toBe(5);
      expect(await instancesCreated('enrol-profile')).toBe(before + 1);
    });

    it('should enrol into a given deployed version', async () => {
      // given
      await customer('versioned-1');

      // when
      const { body } = await enrol(journey.id, { customerId: 'versioned-1', version: 1 }).expect(201);

      // then
      expect(body).toMatchObject({ version: 1, status: 'active' });
    });

    it('should answer 400 per field for bad input', async () => {
      const empty = await enrol(journey.id, {}).expect(400);
      expect(empty.body.details).toEqual([{ field: 'customerId', messages: ['customerId must be 1 to 200 visible characters without spaces'] }]);

      const reserved = await enrol(journey.id, { customerId: 'ana-1', variables: { customerId: 'someone-else', customer: {} } }).expect(400);
      expect(reserved.body.details).toEqual([{ field: 'variables', messages: ['variables must not set customer, customerId: Travesía sets customer, customerId, enrolmentId itself'] }]);

      const fields = await enrol(journey.id, { customerId: 'ana-1', version: 0, variables: [1], colour: 'red' }).expect(400);
      expect(fields.body.details.map((d: Body) => d.field).sort()).toEqual(['colour', 'variables', 'version']);

      const key = await enrol(journey.id, { customerId: 'ana-1' }, 'x'.repeat(256)).expect(400);
      expect(key.body.details).toEqual([{ field: 'Idempotency-Key', messages: ['Idempotency-Key must be 1 to 255 visible ASCII characters'] }]);

      const notUuid = await client().post('/api/journeys/welcome/enrolments', { customerId: 'ana-1' }).expect(400);
      expect(notUuid.body.details).toEqual([{ field: 'journeyId', messages: ['journeyId must be a UUID'] }]);
    });

    it('should answer 404 for an unknown journey, version or customer', async () => {
      const unknownJourney = randomUUID();
      const { body: noJourney } = await enrol(unknownJourney, { customerId: 'ana-1' }).expect(404);
      expect(noJourney.message).toBe(`Expected the id of a journey, found no journey ${unknownJourney}`);
      const { body: noVersion } = await enrol(journey.id, { customerId: 'ana-1', version: 7 }).expect(404);
      expect(noVersion.message).toBe(`Expected a version of journey ${journey.id} (1 to 1), found no version 7`);
      const { body: noCustomer } = await enrol(journey.id, { customerId: 'nobody-here' }).expect(404);
      expect(noCustomer.message).toBe('Expected the external id of a customer, found no customer nobody-here');
    });

    it('should answer 409 for an archived journey, one without a live version, and a version never deployed', async () => {
      const analyst = as('analyst');
      await customer('conflicts-1');

      const archived = await deployedJourney('enrol-archived');
      await analyst.post(`/api/journeys/${archived.id}/archive`).expect(200);
      expect((await enrol(archived.id, { customerId: 'conflicts-1' }).expect(409)).body.message).toContain('it cannot be enrolled into');

      const undeployed = (await analyst.post('/api/journeys', { processId: 'enrol-undeployed', name: 'Undeployed' }).expect(201)).body;
      await analyst.post(`/api/journeys/${undeployed.id}/versions`, { bpmnXml: journeyXml('enrol-undeployed') }).expect(201);
      expect((await enrol(undeployed.id, { customerId: 'conflicts-1' }).expect(409)).body.message).toContain('has no live version yet');

      await analyst.post(`/api/journeys/${journey.id}/versions`, { bpmnXml: journeyXml('enrol-profile').replace('name="Send"', 'name="Send it"') }).expect(201);
      expect((await enrol(journey.id, { customerId: 'conflicts-1', version: 2 }).expect(409)).body.message).toBe(
        `Version 2 of journey ${journey.id} (enrol-profile) was never deployed: deploy it before enrolling customers into it`,
      );
    });
  });

  describe('re-entry rules', () => {
    it('never: a customer enrolled before is refused, also once the instance ended', async () => {
      // given
      const journey = await deployedJourney('reentry-never', { reentry: 'never' });
      await customer('never-1');
      const { body: first } = await enrol(journey.id, { customerId: 'never-1' }).expect(201);
      await enrol(journey.id, { customerId: 'never-1' }).expect(200);

      // when
      expect((await finish('reentry-never', first)).status).toBe('completed');
      const { body } = await enrol(journey.id, { customerId: 'never-1' }).expect(409);

      // then
      expect(body.message).toBe(`Customer never-1 was enrolled into journey ${journey.id} (reentry-never) before, and its re-entry rule is never`);
      expect(await instancesCreated('reentry-never')).toBe(1);
    });

    it('after_exit: the same enrolment while the instance runs, a new one once it ended', async () => {
      // given
      const journey = await deployedJourney('reentry-after-exit', { reentry: 'after_exit' });
      await customer('after-1');
      const { body: first } = await enrol(journey.id, { customerId: 'after-1' }).expect(201);
      expect((await enrol(journey.id, { customerId: 'after-1' }).expect(200)).body.id).toBe(first.id);

      // when
      await finish('reentry-after-exit', first);
      const { body: second } = await enrol(journey.id, { customerId: 'after-1' }).expect(201);

      // then
      expect(second.id).not.toBe(first.id);
      expect(second.processInstanceKey).not.toBe(first.processInstanceKey);
      const { body: list } = await client().get(`/api/journeys/${journey.id}/enrolments?customerId=after-1`).expect(200);
      expect(list.items.map((e: Body) => [e.id, e.status])).toEqual([
        [second.id, 'active'],
        [first.id, 'completed'],
      ]);
    });

    it('always: a new instance per request, even while one runs; the Idempotency-Key makes retries safe', async () => {
      // given
      const journey = await deployedJourney('reentry-always', { reentry: 'always' });
      await customer('always-1');
      await customer('always-2');

      // when
      const one = await enrol(journey.id, { customerId: 'always-1' }).expect(201);
      const two = await enrol(journey.id, { customerId: 'always-1' }).expect(201);
      const keyed = await enrol(journey.id, { customerId: 'always-1' }, 'order-42').expect(201);
      const retried = await enrol(journey.id, { customerId: 'always-1' }, 'order-42').expect(200);
      const concurrent = await Promise.all([1, 2, 3].map(() => enrol(journey.id, { customerId: 'always-1' }, 'order-43')));
      const reused = await enrol(journey.id, { customerId: 'always-2' }, 'order-42').expect(409);

      // then
      expect(new Set([one.body.processInstanceKey, two.body.processInstanceKey, keyed.body.processInstanceKey]).size).toBe(3);
      expect(retried.body).toEqual({ ...keyed.body, existing: true });
      expect(keyed.body.idempotencyKey).toBe('order-42');
      expect(concurrent.map((r) => r.status).sort()).toEqual([200, 200, 201]);
      expect(new Set(concurrent.map((r) => r.body.id)).size).toBe(1);
      expect(reused.body.message).toBe(`Idempotency-Key order-42 was used for another customer's enrolment in journey ${journey.id}`);
      expect(await instancesCreated('reentry-always')).toBe(4);
    });
  });

  describe('reading and cancelling', () => {
    let journey: Body;

    beforeAll(async () => {
      journey = await deployedJourney('enrol-cancel', { reentry: 'always' });
      await customer('cancel-1');
    });

    it('should cancel the instance and mark the enrolment terminated; a second cancel is a conflict', async () => {
      // given
      const { body: enrolment } = await enrol(journey.id, { customerId: 'cancel-1' }).expect(201);

      // when
      const { body: cancelled } = await client().delete(`/api/enrolments/${enrolment.id}`).expect(200);

      // then
      expect(cancelled).toMatchObject({ id: enrolment.id, status: 'terminated', endedAt: expect.any(String), cancelledBy: { keyId: expect.any(String), name: 'test client' } });
      await waitForRecord(db, { processInstanceKey: enrolment.processInstanceKey, elementId: 'enrol-cancel', intent: 'ELEMENT_TERMINATED' });
      expect((await as('owner').get(`/api/enrolments/${enrolment.id}`).expect(200)).body.status).toBe('terminated');
      const { body: again } = await client().delete(`/api/enrolments/${enrolment.id}`).expect(409);
      expect(again.message).toContain(`Enrolment ${enrolment.id} is terminated since`);
    });

    it('should answer 409 for an enrolment whose instance completed, and 404 / 400 for unknown or bad ids', async () => {
      const { body: enrolment } = await enrol(journey.id, { customerId: 'cancel-1' }).expect(201);
      await finish('enrol-cancel', enrolment);
      expect((await client().delete(`/api/enrolments/${enrolment.id}`).expect(409)).body.message).toContain('is completed since');

      const unknown = randomUUID();
      expect((await client().delete(`/api/enrolments/${unknown}`).expect(404)).body.message).toBe(`Expected the id of an enrolment, found no enrolment ${unknown}`);
      await client().get(`/api/enrolments/${unknown}`).expect(404);
      expect((await client().get('/api/enrolments/42').expect(400)).body.details).toEqual([{ field: 'id', messages: ['id must be a UUID'] }]);
    });

    it('should list enrolments newest first, by pages, filtered by status and customer', async () => {
      // given
      await customer('pages-1');
      const made = [];
      for (let i = 0; i < 3; i++) made.push((await enrol(journey.id, { customerId: 'pages-1' }).expect(201)).body);

      // when
      const { body: first } = await as('owner').get(`/api/journeys/${journey.id}/enrolments?customerId=pages-1&limit=2`).expect(200);
      const { body: second } = await as('owner').get(`/api/journeys/${journey.id}/enrolments?customerId=pages-1&limit=2&cursor=${first.nextCursor}`).expect(200);

      // then
      expect([...first.items, ...second.items].map((e: Body) => e.id)).toEqual(made.map((e) => e.id).reverse());
      expect(second.nextCursor).toBeNull();
      const { body: terminated } = await client().get(`/api/journeys/${journey.id}/enrolments?status=terminated`).expect(200);
      expect(terminated.items.every((e: Body) => e.status === 'terminated')).toBe(true);
      expect(terminated.items.length).toBeGreaterThan(0);
      await client().get(`/api/journeys/${journey.id}/enrolments?status=sleeping`).expect(400);
      await client().get(`/api/journeys/${journey.id}/enrolments?cursor=nonsense`).expect(400);
      await client().get(`/api/journeys/${randomUUID()}/enrolments`).expect(404);
    });
  });

  describe('bulk enrolment', () => {
    let journey: Body;

    beforeAll(async () => {
      journey = await deployedJourney('enrol-bulk', { reentry: 'after_exit' });
    });

    async function finished(jobId: string): Promise<Body> {
      return waitFor(async () => {
        const { body } = await as('owner').get(`/api/enrolment-jobs/${jobId}`).expect(200);
        return (body.status === 'done' || body.status === 'failed') && body;
      }, `bulk job ${jobId} to finish`);
    }

    it('should enrol every customer of a segment matching the query in the background, skipping those enrolled already', async () => {
      // given: four heroes of the cohort, one of them enrolled already; a lead of the cohort and a hero of another
      for (const id of ['bulk-h1', 'bulk-h2', 'bulk-h3', 'bulk-h4']) await customer(id, { segment: 'hero', attributes: { cohort: 'b1', vip: true } });
      await customer('bulk-lead', { segment: 'lead', attributes: { cohort: 'b1', vip: true } });
      await customer('bulk-other', { segment: 'hero', attributes: { cohort: 'b2', vip: true } });
      await customer('bulk-text', { segment: 'hero', attributes: { cohort: 'b1', vip: 'true' } });
      await enrol(journey.id, { customerId: 'bulk-h2' }).expect(201);

      // when
      const { body: job } = await client().post(`/api/journeys/${journey.id}/enrolments/bulk`, { segment: 'hero', query: { attributes: { cohort: 'b1', vip: true } }, variables: { wave: 1 } }).expect(202);

      // then
      expect(job).toMatchObject({ journeyId: journey.id, version: 1, status: 'queued', filter: { segment: 'hero', attributes: { cohort: 'b1', vip: true }, updatedSince: null } });
      const done = await finished(job.id);
      expect(done).toMatchObject({ status: 'done', total: 4, processed: 4, enrolled: 3, skipped: 1, failed: 0, failures: [], error: null, finishedAt: expect.any(String) });
      const { body: list } = await client().get(`/api/journeys/${journey.id}/enrolments?limit=50`).expect(200);
      const bulk = list.items.filter((e: Body) => e.source === 'bulk');
      expect(bulk.map((e: Body) => e.customerId).sort()).toEqual(['bulk-h1', 'bulk-h3', 'bulk-h4']);
      expect(bulk.every((e: Body) => e.jobId === job.id && e.status === 'active')).toBe(true);
      const variables = (await jobOf('enrol-bulk', bulk[0].processInstanceKey)).variables;
      expect(variables).toMatchObject({ wave: 1, customerId: bulk[0].customerId, customer: { segment: 'hero' } });

      // and when repeated, everyone is enrolled already
      const { body: again } = await client().post(`/api/journeys/${journey.id}/enrolments/bulk`, { segment: 'hero', query: { attributes: { cohort: 'b1', vip: true } } }).expect(202);
      expect(await finished(again.id)).toMatchObject({ status: 'done', total: 4, enrolled: 0, skipped: 4 });
    });

    it('should resume a job whose process stopped half-way, after its last recorded page', async () => {
      // given: the runner is stopped, and a job looks like a stopped process left it after two customers
      const runner = testApp.app.get(EnrolmentJobService);
      await runner.onModuleDestroy();
      const ids = ['resume-1', 'resume-2', 'resume-3', 'resume-4'];
      for (const id of ids) await customer(id, { attributes: { cohort: 'resume' } });
      const { body: job } = await client().post(`/api/journeys/${journey.id}/enrolments/bulk`, { query: { attributes: { cohort: 'resume' } } }).expect(202);
      const { rows } = await db.query(`select id::text from travesia.customer where external_id = any($1) order by id`, [ids]);
      await db.query(
        `update travesia.enrolment_job set status = 'running', lease_owner = 'a-stopped-process', lease_until = now() - interval '1 second',
                max_customer_id = (select max(id) from travesia.customer), total = 4, cursor = $2, enrolled = 2, started_at = now() where id = $1`,
        [job.id, rows[1].id],
      );

      // when
      runner.onApplicationBootstrap();

      // then
      expect(await finished(job.id)).toMatchObject({ status: 'done', total: 4, enrolled: 4, skipped: 0, failed: 0 });
      const { body: list } = await client().get(`/api/journeys/${journey.id}/enrolments?limit=50`).expect(200);
      expect(list.items.filter((e: Body) => e.jobId === job.id).map((e: Body) => e.customerId).sort()).toEqual(['resume-3', 'resume-4']);
    });

    it('should answer 400 without a segment or query, and 404 for an unknown job or journey', async () => {
      const { body } = await client().post(`/api/journeys/${journey.id}/enrolments/bulk`, {}).expect(400);
      expect(body.details).toEqual([{ field: 'segment', messages: ['segment or query must be given (query: {} enrols every customer)'] }]);
      const bad = await client().post(`/api/journeys/${journey.id}/enrolments/bulk`, { segment: 'vip', query: { updatedSince: 'yesterday', size: 1 } }).expect(400);
      expect(bad.body.details.map((d: Body) => d.field).sort()).toEqual(['query.size', 'query.updatedSince', 'segment']);
      await client().post(`/api/journeys/${randomUUID()}/enrolments/bulk`, { query: {} }).expect(404);
      await client().get(`/api/enrolment-jobs/${randomUUID()}`).expect(404);
    });
  });

  describe('incidents', () => {
    let journey: Body;

    beforeAll(async () => {
      journey = await deployedJourney('enrol-incidents', { reentry: 'always' });
      await customer('incident-1');
    });

    /** Enrols the customer and fails the instance's job for good: an incident. */
    async function incidentFor(customerId: string): Promise<{ enrolment: Body; job: Job; incident: Body }> {
      const { body: enrolment } = await enrol(journey.id, { customerId }).expect(201);
      const job = await jobOf('enrol-incidents', enrolment.processInstanceKey);
      await zeebe.failJob({ jobKey: job.key, retries: 0, errorMessage: 'smtp server unreachable', retryBackOff: 0 });
      const incident = await waitFor(async () => {
        const { body } = await as('owner').get(`/api/incidents?processInstanceKey=${enrolment.processInstanceKey}`).expect(200);
        return body.length === 1 && body[0];
      }, 'the incident');
      return { enrolment, job, incident };
    }

    it('should list a job incident with its journey and enrolment, retry it, and let the instance go on', async () => {
      // given
      const { enrolment, job, incident } = await incidentFor('incident-1');
      expect(incident).toEqual({
        key: expect.stringMatching(/^\d+$/),
        errorType: 'JOB_NO_RETRIES',
        errorMessage: 'smtp server unreachable',
        bpmnProcessId: 'enrol-incidents',
        processDefinitionKey: enrolment.processDefinitionKey,
        processInstanceKey: enrolment.processInstanceKey,
        elementId: 'send',
        elementInstanceKey: expect.stringMatching(/^\d+$/),
        jobKey: String(job.key),
        createdAt: expect.any(String),
        journey: { id: journey.id, name: 'Journey enrol-incidents', version: 1 },
        enrolment: { id: enrolment.id, customerId: 'incident-1' },
      });
      const { body: byJourney } = await as('owner').get(`/api/incidents?journeyId=${journey.id}`).expect(200);
      expect(byJourney.map((i: Body) => i.key)).toContain(incident.key);

      // when
      const { body: retried } = await as('owner').post(`/api/incidents/${incident.key}/retry`, {}).expect(200);

      // then
      expect(retried).toEqual({ incidentKey: incident.key, processInstanceKey: enrolment.processInstanceKey, action: 'retried', jobKey: String(job.key), retries: 1 });
      expect((await as('owner').get(`/api/incidents?processInstanceKey=${enrolment.processInstanceKey}`).expect(200)).body).toEqual([]);
      expect((await finish('enrol-incidents', enrolment)).status).toBe('completed');
      await as('owner').post(`/api/incidents/${incident.key}/retry`, {}).expect(404);
    });

    it("should cancel an incident's instance, which terminates its enrolment", async () => {
      // given
      const { enrolment, incident } = await incidentFor('incident-1');

      // when
      const { body } = await as('owner').post(`/api/incidents/${incident.key}/cancel`).expect(200);

      // then
      expect(body).toMatchObject({ incidentKey: incident.key, processInstanceKey: enrolment.processInstanceKey, action: 'cancelled' });
      const { body: read } = await client().get(`/api/enrolments/${enrolment.id}`).expect(200);
      expect(read).toMatchObject({ status: 'terminated', cancelledBy: { name: 'test owner' } });
      expect((await as('owner').get(`/api/incidents?processInstanceKey=${enrolment.processInstanceKey}`).expect(200)).body).toEqual([]);
      await as('owner').post(`/api/incidents/${incident.key}/cancel`).expect(404);
    });

    it('should answer 400 for bad keys and retries, and 404 for unknown incidents and journeys', async () => {
      const { body: unknown } = await as('owner').post('/api/incidents/2251799813999999/retry', {}).expect(404);
      expect(unknown.message).toBe('Expected the key of an open incident, found none with key 2251799813999999 (it may have been resolved)');
      await as('owner').post('/api/incidents/2251799813999999/cancel').expect(404);
      expect((await as('owner').post('/api/incidents/abc/retry', {}).expect(400)).body.details).toEqual([
        { field: 'key', messages: ['key must be a Zeebe key (a positive 64-bit integer in decimal), got "abc"'] },
      ]);
      await as('owner').post('/api/incidents/1/retry', { retries: 0 }).expect(400);
      await as('owner').get('/api/incidents?processInstanceKey=-1').expect(400);
      await as('owner').get(`/api/incidents?journeyId=${randomUUID()}`).expect(404);
    });
  });

  describe('the real-Zeebe probe (through the gateway, as against a Zeebe cluster)', () => {
    it('should tell ended instances from running ones', async () => {
      // given
      const journey = await deployedJourney('enrol-probe', { reentry: 'always' });
      await customer('probe-1');
      const { body: running } = await enrol(journey.id, { customerId: 'probe-1' }).expect(201);
      const { body: done } = await enrol(journey.id, { customerId: 'probe-1' }).expect(201);
      await finish('enrol-probe', done);
      const probe = new ZeebeInstanceStateRepository(testApp.app.get(ProcessInstanceRepository));

      // when
      const ended = await probe.ended([running.processInstanceKey, done.processInstanceKey]);

      // then
      expect(ended).toEqual([{ processInstanceKey: done.processInstanceKey, outcome: 'completed', endedAt: null }]);
      const variableUpdates = await records(db, { processInstanceKey: running.processInstanceKey, valueType: 'VARIABLE' });
      expect(variableUpdates.filter((r) => r.value.name !== undefined && !['customer', 'customerId', 'enrolmentId'].includes(r.value.name))).toEqual([]);
    });
  });

  describe('who may call what', () => {
    let journeyId: string;

    beforeAll(async () => {
      journeyId = (await deployedJourney('enrol-auth')).id;
    });

    it('should let clients enrol and cancel', async () => {
      await expectAuthMatrix(http, { method: 'post', path: `/api/journeys/${journeyId}/enrolments`, body: {} }, ['client']);
      await expectAuthMatrix(http, { method: 'post', path: `/api/journeys/${journeyId}/enrolments/bulk`, body: {} }, ['client']);
      await expectAuthMatrix(http, { method: 'delete', path: `/api/enrolments/${randomUUID()}` }, ['client']);
    });

    it('should let clients and owners read enrolments and jobs', async () => {
      await expectAuthMatrix(http, { method: 'get', path: `/api/journeys/${journeyId}/enrolments` }, ['client', 'owner']);
      await expectAuthMatrix(http, { method: 'get', path: `/api/enrolments/${randomUUID()}` }, ['client', 'owner']);
      await expectAuthMatrix(http, { method: 'get', path: `/api/enrolment-jobs/${randomUUID()}` }, ['client', 'owner']);
    });

    it('should let owners handle incidents', async () => {
      await expectAuthMatrix(http, { method: 'get', path: '/api/incidents' }, ['owner']);
      await expectAuthMatrix(http, { method: 'post', path: '/api/incidents/2251799813999999/retry', body: {} }, ['owner']);
      await expectAuthMatrix(http, { method: 'post', path: '/api/incidents/2251799813999999/cancel' }, ['owner']);
    });
  });
});

describe('enrolments against an external Zeebe (e2e)', () => {
  // The second service has no engine of its own: ZEEBE_GRPC_ADDRESS points at the first one's gateway,
  // so it runs exactly as against a Zeebe cluster (probes for instance ends, no incident reading).
  let engineApp: TestApp;
  let testApp: TestApp;
  let http: App;
  let keys: RoleKeys;

  beforeAll(async () => {
    engineApp = await createTestApp();
    testApp = await createTestApp({ env: { ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${engineApp.config.engine.grpcPort}` } });
    http = testApp.app.getHttpServer();
    keys = await createKeys(testApp);
  });

  afterAll(async () => {
    await testApp?.close();
    await engineApp?.close();
  });

  it('should enrol, learn of the instance end by probing, cancel, and refuse to read incidents with 501', async () => {
    // given
    const analyst = (path: string, body?: object) => request(http).post(path).set('x-api-key', keys.analyst).send(body);
    const journey = (await analyst('/api/journeys', { processId: 'external-zeebe', name: 'External', reentry: 'always', kpiListeners: { enabled: false } }).expect(201)).body;
    await analyst(`/api/journeys/${journey.id}/versions`, { bpmnXml: journeyXml('external-zeebe') }).expect(201);
    await analyst(`/api/journeys/${journey.id}/versions/1/deploy`).expect(201);
    await request(http).put('/api/customers/ext-1').set('x-api-key', keys.client).send({}).expect(201);
    const enrol = () => request(http).post(`/api/journeys/${journey.id}/enrolments`).set('x-api-key', keys.client).send({ customerId: 'ext-1' }).expect(201);
    const first = (await enrol()).body;
    const second = (await enrol()).body;

    // when: the first instance is run to its end on the engine
    const zeebe = testApp.app.get(ZeebeClientRepository).client;
    const [job] = (await waitFor(async () => {
      const jobs = (await zeebe.activateJobs({ type: 'work.external-zeebe', worker: 'ext', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: 500 } as never)) as unknown as Job[];
      const mine = jobs.filter((j) => String(j.processInstanceKey) === first.processInstanceKey);
      for (const other of jobs.filter((j) => !mine.includes(j))) await zeebe.failJob({ jobKey: other.key, retries: other.retries, errorMessage: 'later', retryBackOff: 0 });
      return mine.length > 0 && mine;
    }, 'the job')) as Job[];
    await zeebe.completeJob({ jobKey: job.key, variables: {} });
    await waitFor(async () => {
      await zeebe.publishMessage({ name: 'email.clicked', correlationKey: 'ext-1', timeToLive: 0, variables: {} });
      const { body } = await request(http).get(`/api/enrolments/${first.id}`).set('x-api-key', keys.owner).expect(200);
      return body.status === 'completed' && body;
    }, 'the first enrolment to complete');

    // then
    const { body: cancelled } = await request(http).delete(`/api/enrolments/${second.id}`).set('x-api-key', keys.client).expect(200);
    expect(cancelled.status).toBe('terminated');
    const { body: incidents } = await request(http).get('/api/incidents').set('x-api-key', keys.owner).expect(501);
    expect(incidents.message).toContain("need Operate's API or the Camunda 8.8 REST API");
  });
});
