import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createKeys, expectAuthMatrix, type RoleKeys } from './helpers/auth';
import { createTestApp, type TestApp } from './helpers/test-app';
import { eventually } from './helpers/until';

describe('customers (e2e)', () => {
  let testApp: TestApp;
  let http: App;
  let keys: RoleKeys;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = testApp.app.getHttpServer();
    keys = await createKeys(testApp);
  });

  afterAll(() => testApp?.close());

  const put = (id: string, body: object, key = keys.client) => request(http).put(`/api/customers/${encodeURIComponent(id)}`).set('x-api-key', key).send(body);
  const get = (path: string, key = keys.client) => request(http).get(path).set('x-api-key', key);
  const postEvents = (events: object[]) => request(http).post('/api/events/batch').set('x-api-key', keys.client).send({ events });

  describe('PUT /api/customers/:externalId', () => {
    it('should create a customer (201), then update it (200), merging attributes and addresses key by key', async () => {
      // when
      const created = await put('crm-1', {
        attributes: { firstName: 'Ana', plan: 'silver', tags: ['runner'] },
        addresses: { email: 'ana@example.com', phone: '+34600111222', pushTokens: ['tok-1'] },
        timezone: 'Europe/Madrid',
        segment: 'lead',
      }).expect(201);
      const updated = await put('crm-1', { attributes: { plan: 'gold', tags: null }, addresses: { phone: null, other: { whatsapp: '+34600111222' } } }).expect(200);

      // then
      expect(created.body).toMatchObject({
        externalId: 'crm-1',
        attributes: { firstName: 'Ana', plan: 'silver', tags: ['runner'] },
        timezone: 'Europe/Madrid',
        segment: 'lead',
        consents: {},
        aggregates: { firstSeenAt: null, lastSeenAt: null, eventCount: 0, purchaseCount: 0, revenue: {}, channels: {} },
      });
      expect(updated.body.attributes).toEqual({ firstName: 'Ana', plan: 'gold' });
      expect(updated.body.addresses).toEqual({ email: 'ana@example.com', pushTokens: ['tok-1'], other: { whatsapp: '+34600111222' } });
      expect(updated.body.timezone).toBe('Europe/Madrid');
      expect(updated.body.createdAt).toBe(created.body.createdAt);
      expect(Date.parse(updated.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.updatedAt));
    });

    it('should leave updatedAt alone when nothing changes', async () => {
      // given
      const first = await put('crm-same', { attributes: { a: 1 } }).expect(201);

      // when
      const again = await put('crm-same', { attributes: { a: 1 } }).expect(200);

      // then
      expect(again.body.updatedAt).toBe(first.body.updatedAt);
    });

    it('should clear the time zone and segment with null', async () => {
      await put('crm-clear', { timezone: 'America/Bogota', segment: 'hero' }).expect(201);

      const cleared = await put('crm-clear', { timezone: null, segment: null }).expect(200);

      expect(cleared.body).toMatchObject({ timezone: null, segment: null });
    });

    it('should answer 400 with the problems per field', async () => {
      // when
      const response = await put('crm-bad', {
        attributes: ['not', 'an', 'object'],
        addresses: { email: 'not-an-email', phone: '600111222', fax: '1' },
        consents: [{ channel: 'E-mail', granted: 'yes' }],
        timezone: 'Mars/Olympus_Mons',
        segment: 'vip',
        unknown: true,
      }).expect(400);

      // then
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: 'Validation failed' });
      const fields = Object.fromEntries((response.body.details as { field: string; messages: string[] }[]).map((d) => [d.field, d.messages]));
      expect(Object.keys(fields).sort()).toEqual(
        ['addresses.email', 'addresses.fax', 'addresses.phone', 'attributes', 'consents.0.channel', 'consents.0.granted', 'consents.0.source', 'segment', 'timezone', 'unknown'].sort(),
      );
      expect(fields.timezone).toEqual(['timezone must be an IANA time zone such as Europe/Madrid, got "Mars/Olympus_Mons"']);
      expect(fields.attributes).toEqual(['attributes must be a JSON object']);
      expect(fields['addresses.phone'][0]).toContain('E.164');
      expect(fields.unknown).toEqual(['property unknown should not exist']);
    });

    it('should refuse attributes larger than 16 KiB, and NUL characters', async () => {
      const big = await put('crm-big', { attributes: { blob: 'x'.repeat(17_000) } }).expect(400);
      const nul = await put('crm-big', { attributes: { name: 'a\u0000b' } }).expect(400);

      expect(big.body.details).toEqual([{ field: 'attributes', messages: ['attributes must be at most 16384 bytes of JSON'] }]);
      expect(nul.body.details).toEqual([{ field: 'attributes', messages: ['attributes must not contain NUL characters (\\u0000)'] }]);
    });

    it('should refuse an external id with spaces', async () => {
      const response = await put('has space', {}).expect(400);

      expect(response.body.details).toEqual([{ field: 'externalId', messages: ['externalId must be 1 to 200 visible characters without spaces'] }]);
    });
  });

  describe('consent', () => {
    it('should keep the current consent per channel and a history of every change', async () => {
      // given
      await put('crm-consent', { consents: [{ channel: 'email', granted: true, at: '2025-01-01T10:00:00Z', source: 'signup-form' }] }).expect(201);

      // when: the same consent again (no change), a withdrawal, then a late statement from before it
      await put('crm-consent', { consents: [{ channel: 'email', granted: true, at: '2025-02-01T10:00:00Z', source: 'newsletter-form' }] }).expect(200);
      await put('crm-consent', {
        consents: [
          { channel: 'email', granted: false, at: '2025-03-01T10:00:00Z', source: 'unsubscribe-link' },
          { channel: 'sms', granted: true, source: 'checkout' },
        ],
      }).expect(200);
      const late = await put('crm-consent', { consents: [{ channel: 'email', granted: true, at: '2025-02-15T10:00:00Z', source: 'call-center' }] }).expect(200);
      const exported = await get('/api/customers/crm-consent/export').expect(200);

      // then
      expect(late.body.consents.email).toEqual({ granted: false, at: '2025-03-01T10:00:00.000Z', source: 'unsubscribe-link' });
      expect(late.body.consents.sms).toMatchObject({ granted: true, source: 'checkout' });
      expect(exported.body.consentHistory.map((c: { channel: string; granted: boolean; at: string; source: string }) => [c.channel, c.granted, c.source])).toEqual([
        ['email', true, 'signup-form'],
        ['email', false, 'unsubscribe-link'],
        ['sms', true, 'checkout'],
        ['email', true, 'call-center'],
      ]);
    });
  });

  describe('GET /api/customers/:externalId', () => {
    it('should answer 404 for an unknown customer', async () => {
      const response = await get('/api/customers/nobody').expect(404);

      expect(response.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Expected the external id of a customer, found no customer nobody' });
    });

    it('should find ids with characters that need encoding', async () => {
      await put('ana@example.com/eu', { attributes: { x: 1 } }).expect(201);

      const response = await get(`/api/customers/${encodeURIComponent('ana@example.com/eu')}`).expect(200);

      expect(response.body.externalId).toBe('ana@example.com/eu');
    });
  });

  describe('GET /api/customers', () => {
    beforeAll(async () => {
      for (let i = 0; i < 7; i++) {
        await put(`list-${i}`, { segment: i % 2 ? 'hero' : 'lead', attributes: { plan: i < 3 ? 'gold' : 'basic', age: 30 + i, vip: i === 4 } }).expect(201);
      }
    });

    it('should page through every customer in order of change, without repeats', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await get(`/api/customers?limit=3${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
        seen.push(...page.body.items.map((c: { externalId: string }) => c.externalId));
        cursor = page.body.nextCursor;
      } while (cursor);

      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining(['list-0', 'list-1', 'list-6', 'crm-1']));
    });

    it('should filter by segment and attribute equality', async () => {
      const heroes = await get('/api/customers?segment=hero&limit=500').expect(200);
      const goldLeads = await get('/api/customers?segment=lead&attribute=plan:gold&limit=500').expect(200);
      const typed = await get('/api/customers?attribute=age:34&attribute=vip:true').expect(200);

      const ids = (response: request.Response) => response.body.items.map((c: { externalId: string }) => c.externalId).filter((id: string) => id.startsWith('list-'));
      expect(ids(heroes)).toEqual(['list-1', 'list-3', 'list-5']);
      expect(ids(goldLeads)).toEqual(['list-0', 'list-2']);
      expect(ids(typed)).toEqual(['list-4']);
    });

    it('should filter by updatedSince', async () => {
      // given
      const before = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await put('list-3', { attributes: { touched: true } }).expect(200);

      // when
      const response = await get(`/api/customers?updatedSince=${encodeURIComponent(before)}`).expect(200);

      // then
      expect(response.body.items.map((c: { externalId: string }) => c.externalId)).toEqual(['list-3']);
      expect(response.body.nextCursor).toBeNull();
    });

    it('should answer 400 for bad filters', async () => {
      const response = await get('/api/customers?segment=vip&limit=0&attribute=nocolon&cursor=!!&foo=1').expect(400);

      expect((response.body.details as { field: string }[]).map((d) => d.field).sort()).toEqual(['attribute', 'cursor', 'foo', 'limit', 'segment']);
    });

    it('should not list anonymous (Ghost) profiles', async () => {
      await postEvents([{ eventId: 'ghost-list-1', type: 'page.viewed', anonymousId: 'anon-list', occurredAt: new Date().toISOString() }]).expect(200);

      const response = await get('/api/customers?limit=500').expect(200);

      expect(response.body.items.every((c: { externalId: string | null }) => typeof c.externalId === 'string')).toBe(true);
    });
  });

  describe('POST /api/customers/:externalId/identify', () => {
    it('should merge the anonymous profile: events moved, aggregates recomputed, later events land on the customer; idempotent', async () => {
      // given: a known customer with one purchase, and a visitor with two anonymous events
      await put('crm-ghost', { attributes: { firstName: 'Luz' } }).expect(201);
      await postEvents([
        { eventId: 'g-1', type: 'order.placed', customerId: 'crm-ghost', occurredAt: '2025-05-10T10:00:00Z', revenue: 20, currency: 'EUR', channel: 'web' },
        { eventId: 'g-2', type: 'page.viewed', anonymousId: 'anon-luz', occurredAt: '2025-05-01T08:00:00Z', channel: 'web' },
        { eventId: 'g-3', type: 'order.placed', anonymousId: 'anon-luz', occurredAt: '2025-05-02T09:00:00Z', revenue: 5.5, currency: 'EUR', channel: 'app' },
      ]).expect(200);

      // when
      const merged = await request(http).post('/api/customers/crm-ghost/identify').set('x-api-key', keys.client).send({ anonymousId: 'anon-luz' }).expect(200);
      const again = await request(http).post('/api/customers/crm-ghost/identify').set('x-api-key', keys.client).send({ anonymousId: 'anon-luz' }).expect(200);
      await postEvents([{ eventId: 'g-4', type: 'page.viewed', anonymousId: 'anon-luz', occurredAt: '2025-05-11T08:00:00Z', channel: 'app' }]).expect(200);
      const after = await get('/api/customers/crm-ghost').expect(200);

      // then
      expect(merged.body).toMatchObject({ anonymousId: 'anon-luz', merged: true, eventsMoved: 2 });
      expect(merged.body.customer.aggregates).toEqual({
        firstSeenAt: '2025-05-01T08:00:00.000Z',
        lastSeenAt: '2025-05-10T10:00:00.000Z',
        eventCount: 3,
        purchaseCount: 2,
        firstPurchaseAt: '2025-05-02T09:00:00.000Z',
        lastPurchaseAt: '2025-05-10T10:00:00.000Z',
        revenue: { EUR: { amount: 25.5, purchaseCount: 2 } },
        channels: {
          web: { lastInteractionAt: '2025-05-10T10:00:00.000Z', eventCount: 2 },
          app: { lastInteractionAt: '2025-05-02T09:00:00.000Z', eventCount: 1 },
        },
      });
      expect(again.body).toMatchObject({ merged: false, eventsMoved: 0 });
      expect(again.body.customer.aggregates).toEqual(merged.body.customer.aggregates);
      expect(after.body.aggregates).toMatchObject({ eventCount: 4, lastSeenAt: '2025-05-11T08:00:00.000Z' });
      expect(after.body.aggregates.channels.app).toEqual({ lastInteractionAt: '2025-05-11T08:00:00.000Z', eventCount: 2 });
      expect(after.body.attributes).toEqual({ firstName: 'Luz' });
    });

    it('should remember an anonymous id seen for the first time, so that its events land on the customer', async () => {
      await request(http).post('/api/customers/crm-fresh/identify').set('x-api-key', keys.client).send({ anonymousId: 'anon-fresh' }).expect(200);
      await postEvents([{ eventId: 'f-1', type: 'page.viewed', anonymousId: 'anon-fresh', occurredAt: '2025-06-01T08:00:00Z' }]).expect(200);

      const customer = await get('/api/customers/crm-fresh').expect(200);

      expect(customer.body.aggregates.eventCount).toBe(1);
    });

    it('should answer 409 when the anonymous id belongs to another customer', async () => {
      await request(http).post('/api/customers/crm-a/identify').set('x-api-key', keys.client).send({ anonymousId: 'anon-shared' }).expect(200);

      const response = await request(http).post('/api/customers/crm-b/identify').set('x-api-key', keys.client).send({ anonymousId: 'anon-shared' }).expect(409);

      expect(response.body.message).toBe('Anonymous id anon-shared already belongs to another customer');
    });

    it('should answer 400 without an anonymous id', async () => {
      const response = await request(http).post('/api/customers/crm-a/identify').set('x-api-key', keys.client).send({}).expect(400);

      expect(response.body.details).toEqual([{ field: 'anonymousId', messages: ['anonymousId must be 1 to 200 visible characters without spaces'] }]);
    });
  });

  describe('GDPR', () => {
    it('should export everything held about the customer', async () => {
      // given
      await put('crm-export', {
        attributes: { firstName: 'Eva' },
        addresses: { email: 'eva@example.com' },
        consents: [{ channel: 'email', granted: true, at: '2025-01-01T00:00:00Z', source: 'signup' }],
      }).expect(201);
      await postEvents([{ eventId: 'x-0', type: 'page.viewed', anonymousId: 'anon-eva', occurredAt: '2025-01-01T00:00:00Z' }]).expect(200);
      await request(http).post('/api/customers/crm-export/identify').set('x-api-key', keys.client).send({ anonymousId: 'anon-eva' }).expect(200);
      await postEvents([
        { source: 'shop', eventId: 'x-1', type: 'order.placed', customerId: 'crm-export', occurredAt: '2025-01-02T00:00:00Z', properties: { orderId: 'o-1' }, revenue: 10, currency: 'EUR' },
      ]).expect(200);

      // when
      const response = await get('/api/customers/crm-export/export', keys.owner).expect(200);

      // then
      expect(response.body).toEqual({
        exportedAt: expect.any(String),
        customer: expect.objectContaining({ externalId: 'crm-export', attributes: { firstName: 'Eva' }, addresses: { email: 'eva@example.com' } }),
        anonymousIds: ['anon-eva'],
        consentHistory: [{ channel: 'email', granted: true, at: '2025-01-01T00:00:00.000Z', source: 'signup', recordedAt: expect.any(String) }],
        events: [
          expect.objectContaining({ source: 'default', eventId: 'x-0', type: 'page.viewed', anonymousId: 'anon-eva', properties: {} }),
          expect.objectContaining({ source: 'shop', eventId: 'x-1', type: 'order.placed', revenue: 10, currency: 'EUR', properties: { orderId: 'o-1' }, anonymousId: null }),
        ],
        // What other parts hold about the customer (enrolments, journey history), empty here.
        related: expect.objectContaining({ enrolments: [] }),
      });
      expect(response.body.customer.aggregates).toMatchObject({ eventCount: 2, purchaseCount: 1, revenue: { EUR: { amount: 10, purchaseCount: 1 } } });
    });

    it('should erase a customer, keep no PII, refuse its old events, and let a new upsert start over', async () => {
      // given
      await put('crm-erase', { attributes: { firstName: 'Olga' }, addresses: { email: 'olga@example.com' } }).expect(201);
      await request(http).post('/api/customers/crm-erase/identify').set('x-api-key', keys.client).send({ anonymousId: 'anon-olga' }).expect(200);
      const old = { eventId: 'e-1', type: 'order.placed', customerId: 'crm-erase', occurredAt: new Date(Date.now() - 60_000).toISOString(), revenue: 9, currency: 'EUR' };
      await postEvents([old]).expect(200);

      // when
      await request(http).delete('/api/customers/crm-erase').set('x-api-key', keys.client).expect(204);

      // then: gone, and nothing about it left in clear
      await get('/api/customers/crm-erase').expect(404);
      await get('/api/customers/crm-erase/export').expect(404);
      const dump = await databaseText(testApp.databaseUrl, 'crm-erase', 'olga', 'anon-olga');
      expect(dump).toEqual([]);

      // and: erasing again is fine; old events (again, or new ones for the erased ids) are refused
      await request(http).delete('/api/customers/crm-erase').set('x-api-key', keys.client).expect(204);
      const replay = await postEvents([old, { eventId: 'e-2', type: 'page.viewed', anonymousId: 'anon-olga', occurredAt: new Date().toISOString() }]).expect(200);
      expect(replay.body).toMatchObject({ accepted: 0, refused: 2 });
      const single = await request(http).post('/api/events').set('x-api-key', keys.client).send({ ...old, eventId: 'e-3' }).expect(409);
      expect(single.body.message).toContain('erased');
      await request(http).post('/api/customers/crm-erase/identify').set('x-api-key', keys.client).send({ anonymousId: 'anon-new' }).expect(409);

      // and: an explicit upsert starts a new relationship; events from before the erasure stay refused
      await put('crm-erase', { attributes: { firstName: 'Olga' } }).expect(201);
      const later = await postEvents([{ ...old, eventId: 'e-4' }, { eventId: 'e-5', type: 'page.viewed', customerId: 'crm-erase', occurredAt: new Date().toISOString() }]).expect(200);
      expect(later.body.results.map((r: { status: string }) => r.status)).toEqual(['refused', 'accepted']);
      expect((await get('/api/customers/crm-erase').expect(200)).body.aggregates).toMatchObject({ eventCount: 1, purchaseCount: 0 });
    });

    it("should cancel the customer's running journey and blank their variables and messages in the engine's records", async () => {
      // given a customer travelling a journey, with a message published from one of their events
      const journeyXml = readFileSync(join(__dirname, 'fixtures', 'new-user.welcome.bpmn'), 'utf8').replaceAll('first-journey', 'erasure-journey');
      const journey = (
        await request(http).post('/api/journeys').set('x-api-key', keys.analyst).send({ processId: 'erasure-journey', name: 'Erasure', reentry: 'never' }).expect(201)
      ).body;
      await request(http).post(`/api/journeys/${journey.id}/versions`).set('x-api-key', keys.analyst).send({ bpmnXml: journeyXml }).expect(201);
      await request(http).post(`/api/journeys/${journey.id}/versions/1/deploy`).set('x-api-key', keys.analyst).expect(201);
      await put('crm-travelling', { attributes: { firstName: 'Greta' }, addresses: { email: 'greta.private@example.com' } }).expect(201);
      const enrolment = (
        await request(http).post(`/api/journeys/${journey.id}/enrolments`).set('x-api-key', keys.client).send({ customerId: 'crm-travelling' }).expect(201)
      ).body;
      const event = { eventId: 'greta-1', type: 'order.placed', customerId: 'crm-travelling', occurredAt: new Date().toISOString(), properties: { note: 'greta-secret-note' } };
      await postEvents([event]).expect(200);
      const engineText = () => recordText(testApp.databaseUrl, 'greta.private@example.com', 'greta-secret-note', '"crm-travelling"');
      await eventually('the message in the records', async () => (await engineText()).some((hit) => hit.includes('greta-secret-note')));
      expect((await engineText()).length).toBeGreaterThan(0);

      // when
      await request(http).delete('/api/customers/crm-travelling').set('x-api-key', keys.client).expect(204);

      // then the instance was cancelled, and the engine's history keeps none of it in clear
      const ends = await recordRows(testApp.databaseUrl, `select intent from engine.record where key = $1::bigint and value_type = 'PROCESS_INSTANCE'`, [enrolment.processInstanceKey]);
      expect(ends).toContain('ELEMENT_TERMINATED');
      expect(await engineText()).toEqual([]);
      const timeline = (await request(http).get(`/api/instances/${enrolment.processInstanceKey}/timeline`).set('x-api-key', keys.owner).expect(200)).body;
      expect(JSON.stringify(timeline)).not.toContain('greta');
    });

    it('should answer 404 when erasing a customer that never existed', () => request(http).delete('/api/customers/never-was').set('x-api-key', keys.client).expect(404));
  });

  it('should document the customer and event endpoints in OpenAPI', async () => {
    const response = await request(http).get('/api/docs-json').expect(200);

    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining(['/api/customers', '/api/customers/{externalId}', '/api/customers/{externalId}/identify', '/api/customers/{externalId}/export', '/api/events', '/api/events/batch']),
    );
    expect(Object.keys(response.body.components.schemas)).toEqual(expect.arrayContaining(['CustomerDto', 'RevenueDto', 'ConsentDto', 'ChannelActivityDto', 'IngestEventDto', 'CustomerEventDto']));
  });

  describe('roles', () => {
    it('should let client write customers, and client and owner read them', async () => {
      await put('crm-roles', {}).expect(201);
      await expectAuthMatrix(http, { method: 'put', path: '/api/customers/crm-roles', body: {} }, ['client']);
      await expectAuthMatrix(http, { method: 'post', path: '/api/customers/crm-roles/identify', body: { anonymousId: 'anon-roles' } }, ['client']);
      await expectAuthMatrix(http, { method: 'get', path: '/api/customers/crm-roles' }, ['client', 'owner']);
      await expectAuthMatrix(http, { method: 'get', path: '/api/customers' }, ['client', 'owner']);
      await expectAuthMatrix(http, { method: 'get', path: '/api/customers/crm-roles/export' }, ['client', 'owner']);
      await expectAuthMatrix(http, { method: 'delete', path: '/api/customers/nobody-to-erase' }, ['client']);
    });
  });
});

/** Every row of the service's tables whose text mentions one of `needles` (case-insensitive). */
async function databaseText(databaseUrl: string, ...needles: string[]): Promise<string[]> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables: { table_name: string }[] = (
      await client.query(`select table_name from information_schema.tables where table_schema = 'travesia' and table_name like 'customer%'`)
    ).rows;
    const hits: string[] = [];
    for (const { table_name } of tables) {
      const rows: { row: string }[] = (await client.query(`select t::text as row from travesia.${table_name} t`)).rows;
      for (const { row } of rows) if (needles.some((needle) => row.toLowerCase().includes(needle.toLowerCase()))) hits.push(`${table_name}: ${row}`);
    }
    return hits;
  } finally {
    await client.end();
  }
}

/** Rows of `engine.record` whose text mentions one of `needles`. */
async function recordText(databaseUrl: string, ...needles: string[]): Promise<string[]> {
  const rows = await recordRows(databaseUrl, `select value_type || ' ' || intent || ' ' || value::text as row from engine.record`);
  return rows.filter((row) => needles.some((needle) => row.includes(needle)));
}

async function recordRows(databaseUrl: string, sql: string, params: unknown[] = []): Promise<string[]> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows.map((row: Record<string, string>) => Object.values(row)[0]);
  } finally {
    await client.end();
  }
}

