import { createHash, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createKey, createKeys, expectAuthMatrix, type RoleKeys, TEST_ADMIN_API_KEY } from './helpers/auth';
import { createTestApp, type TestApp } from './helpers/test-app';

const SECRET = /^trv_[A-Za-z0-9_-]{43}$/;

describe('API keys (e2e)', () => {
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

  const admin = () => TEST_ADMIN_API_KEY;

  describe('who may call what', () => {
    it('should let only admin keys create keys', () =>
      expectAuthMatrix(http, { method: 'post', path: '/api/keys', body: { name: '' } }, ['admin']));

    it('should let only admin keys list keys', () => expectAuthMatrix(http, { method: 'get', path: '/api/keys' }, ['admin']));

    it('should let only admin keys revoke keys', () =>
      expectAuthMatrix(http, { method: 'delete', path: `/api/keys/${randomUUID()}` }, ['admin']));

    it('should let any valid key see itself', () =>
      expectAuthMatrix(http, { method: 'get', path: '/api/keys/me' }, ['analyst', 'client', 'owner']));

    it('should answer 401 in the error shape, with or without a key', async () => {
      const unauthorized = { statusCode: 401, error: 'Unauthorized', message: 'Expected a valid API key in the x-api-key header' };

      await request(http).get('/api/keys').expect(401, unauthorized);
      await request(http).get('/api/keys').set('x-api-key', '').expect(401, unauthorized);
      await request(http).get('/api/keys').set('x-api-key', 'trv_nope').expect(401, unauthorized);
      await request(http).get('/api/keys').set('authorization', `Bearer ${admin()}`).expect(401, unauthorized);
    });

    it('should answer 403 naming the roles the route needs', async () => {
      const response = await request(http).get('/api/keys').set('x-api-key', keys.owner).expect(403);

      expect(response.body).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message: "Expected an API key with the role admin; this key's role is owner",
      });
    });
  });

  describe('POST /api/keys', () => {
    it('should create a key and show its secret once', async () => {
      // when
      const { body: created } = await request(http).post('/api/keys').set('x-api-key', admin()).send({ name: ' CRM integration ', role: 'client' }).expect(201);

      // then
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'CRM integration',
        role: 'client',
        prefix: created.secret.slice(0, 12),
        secret: expect.stringMatching(SECRET),
        createdAt: expect.any(String),
        lastUsedAt: null,
        revokedAt: null,
      });
      const { body: me } = await request(http).get('/api/keys/me').set('x-api-key', created.secret).expect(200);
      expect(me).toEqual({ id: created.id, name: 'CRM integration', role: 'client' });
    });

    it('should make a new secret every time', async () => {
      const first = await createKey(http, 'analyst', 'twin');
      const second = await createKey(http, 'analyst', 'twin');

      expect(first).not.toEqual(second);
    });

    it.each([
      ['a role that is not one of the four', { name: 'ops', role: 'superuser' }, [{ field: 'role', messages: ['role must be one of the following values: analyst, client, owner, admin'] }]],
      ['an empty name', { name: '', role: 'client' }, [{ field: 'name', messages: ['name should not be empty'] }]],
      ['a blank name', { name: '   ', role: 'client' }, [{ field: 'name', messages: ['name should not be empty'] }]],
      ['a name too long', { name: 'x'.repeat(101), role: 'client' }, [{ field: 'name', messages: ['name must be shorter than or equal to 100 characters'] }]],
      ['a field it does not know', { name: 'ops', role: 'owner', secret: 'trv_mine' }, [{ field: 'secret', messages: ['property secret should not exist'] }]],
    ])('should reject %s with 400 and the field', async (_case, body, details) => {
      const response = await request(http).post('/api/keys').set('x-api-key', admin()).send(body).expect(400);

      expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Validation failed', details });
    });

    it('should reject a missing name and role, naming both', async () => {
      const response = await request(http).post('/api/keys').set('x-api-key', admin()).send({}).expect(400);

      expect(response.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual(['name', 'role']);
    });
  });

  describe('storage', () => {
    it('should store only a SHA-256 hash of the secret, which neither is nor contains it', async () => {
      // given
      const { body: created } = await request(http).post('/api/keys').set('x-api-key', admin()).send({ name: 'stored', role: 'client' }).expect(201);
      // The part of the secret that listings do not show (they show `trv_` and 8 characters).
      const hidden = created.secret.slice(created.prefix.length);

      // when
      const { rows } = await db.query(`select key_hash, to_jsonb(k)::text as row from travesia.api_key k where id = $1`, [created.id]);

      // then
      const [{ key_hash: keyHash, row }] = rows;
      expect(keyHash).toBe(createHash('sha256').update(created.secret, 'utf8').digest('hex'));
      expect(keyHash).not.toBe(created.secret);
      expect(keyHash).not.toContain(created.secret.slice('trv_'.length));
      expect(row).not.toContain(hidden);
    });
  });

  describe('GET /api/keys', () => {
    it('should list every key without any secret or hash', async () => {
      // given
      const secret = await createKey(http, 'owner', 'KPI dashboard');

      // when
      const { body: list } = await request(http).get('/api/keys').set('x-api-key', admin()).expect(200);

      // then
      const dashboard = list.find((key: { name: string }) => key.name === 'KPI dashboard');
      expect(dashboard).toEqual({
        id: expect.any(String),
        name: 'KPI dashboard',
        role: 'owner',
        prefix: secret.slice(0, 12),
        createdAt: expect.any(String),
        lastUsedAt: null,
        revokedAt: null,
      });
      const text = JSON.stringify(list);
      for (const known of [secret, TEST_ADMIN_API_KEY, ...Object.values(keys)]) expect(text).not.toContain(known);
      expect(text).not.toMatch(/trv_[A-Za-z0-9_-]{20}/);
      expect(text).not.toMatch(/hash/i);
    });

    it('should show the key pinned by ADMIN_API_KEY as the initial admin key', async () => {
      const { body: list } = await request(http).get('/api/keys').set('x-api-key', admin()).expect(200);

      expect(list[0]).toMatchObject({ name: 'initial admin', role: 'admin', prefix: TEST_ADMIN_API_KEY.slice(0, 12), revokedAt: null });
    });

    it('should tell when a key was last used', async () => {
      // given
      const before = Date.now();
      const secret = await createKey(http, 'analyst', 'modeller');

      // when
      await request(http).get('/api/keys/me').set('x-api-key', secret).expect(200);

      // then
      const { body: list } = await request(http).get('/api/keys').set('x-api-key', admin()).expect(200);
      const modeller = list.find((key: { name: string }) => key.name === 'modeller');
      expect(Date.parse(modeller.lastUsedAt)).toBeGreaterThanOrEqual(before - 1_000);
    });
  });

  describe('DELETE /api/keys/:id', () => {
    it('should revoke a key, which then gets 401 at once', async () => {
      // given
      const secret = await createKey(http, 'client', 'leaked');
      const { body: me } = await request(http).get('/api/keys/me').set('x-api-key', secret).expect(200);

      // when
      await request(http).delete(`/api/keys/${me.id}`).set('x-api-key', admin()).expect(204);

      // then
      await request(http).get('/api/keys/me').set('x-api-key', secret).expect(401);
      const { body: list } = await request(http).get('/api/keys').set('x-api-key', admin()).expect(200);
      expect(list.find((key: { id: string }) => key.id === me.id).revokedAt).toEqual(expect.any(String));
    });

    it('should answer 401 at once after the revocation, even to a request that looked the key up while it was being revoked', async () => {
      // given: a key never used yet, whose row the test holds locked, and its revocation waiting for that lock
      const { body: created } = await request(http).post('/api/keys').set('x-api-key', admin()).send({ name: 'revoked in flight', role: 'client' }).expect(201);
      const holder = await db.connect();
      let revoked: Promise<number> | undefined;
      let inFlight: Promise<number> | undefined;
      try {
        await holder.query('begin');
        await holder.query('select 1 from travesia.api_key where id = $1 for update', [created.id]);
        revoked = request(http).delete(`/api/keys/${created.id}`).set('x-api-key', admin()).then((response) => response.status);
        await waitForLockWait('%revoked_at%');

        // when: a first request with the key finds it active, and its note of the use waits behind the revocation
        inFlight = request(http).get('/api/keys/me').set('x-api-key', created.secret).then((response) => response.status);
        await waitForLockWait('%last_used_at%');
      } finally {
        await holder.query('commit');
        holder.release();
      }

      // then
      expect(await revoked).toBe(204);
      expect([200, 401]).toContain(await inFlight);
      await request(http).get('/api/keys/me').set('x-api-key', created.secret).expect(401);
    });

    it('should change nothing when the key is revoked already', async () => {
      // given
      const secret = await createKey(http, 'client', 'twice');
      const { body: me } = await request(http).get('/api/keys/me').set('x-api-key', secret).expect(200);
      await request(http).delete(`/api/keys/${me.id}`).set('x-api-key', admin()).expect(204);
      const revokedAt = await revokedAtOf(me.id);

      // when
      await request(http).delete(`/api/keys/${me.id}`).set('x-api-key', admin()).expect(204);

      // then
      expect(await revokedAtOf(me.id)).toBe(revokedAt);
    });

    it('should answer 404 for an unknown id and 400 for something that is not an id', async () => {
      const id = randomUUID();

      const unknown = await request(http).delete(`/api/keys/${id}`).set('x-api-key', admin()).expect(404);
      const invalid = await request(http).delete('/api/keys/admin').set('x-api-key', admin()).expect(400);

      expect(unknown.body).toEqual({ statusCode: 404, error: 'Not Found', message: `Expected the id of an API key, found no key ${id}` });
      expect(invalid.body.details).toEqual([{ field: 'id', messages: ['id must be a UUID'] }]);
    });
  });

  describe('OpenAPI', () => {
    it('should document the key endpoints with the API-key scheme and their errors', async () => {
      const { body } = await request(http).get('/api/docs-json').expect(200);

      const create = body.paths['/api/keys'].post;
      expect(create.security).toEqual([{ 'api-key': [] }]);
      expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '401', '403']));
      expect(body.paths['/api/keys'].get.responses).toHaveProperty('200');
      expect(Object.keys(body.paths['/api/keys/{id}'].delete.responses)).toEqual(expect.arrayContaining(['204', '401', '403', '404', '409']));
      expect(body.components.schemas.CreateApiKeyDto.properties.role).toMatchObject({ enum: ['analyst', 'client', 'owner', 'admin'], example: 'client' });
      expect(body.components.schemas.CreatedApiKeyDto.properties.secret.example).toMatch(SECRET);
      expect(body.paths['/api/health'].get.security).toBeUndefined();
    });
  });

  /** Waits until a statement like `query` waits for a lock in this app's database. */
  async function waitForLockWait(query: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows } = await db.query(
        `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike $1`,
        [query],
      );
      if (rows[0].n > 0) return;
      if (Date.now() > deadline) throw new Error(`no statement like ${query} waited for a lock`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function revokedAtOf(id: string): Promise<string> {
    const { body: list } = await request(http).get('/api/keys').set('x-api-key', admin()).expect(200);
    return list.find((key: { id: string }) => key.id === id).revokedAt;
  }
});

describe('API keys: the last admin key (e2e)', () => {
  let testApp: TestApp;
  let http: App;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = testApp.app.getHttpServer();
  });

  afterAll(() => testApp?.close());

  it('should refuse to revoke the last active admin key, even when two revocations race', async () => {
    // given: the pinned admin key and one more
    const second = await createKey(http, 'admin', 'second admin');
    const { body: list } = await request(http).get('/api/keys').set('x-api-key', second).expect(200);
    const [first, other] = list.map((key: { id: string }) => key.id);

    // when: each admin key revokes the other at the same time
    const responses = await Promise.all([
      request(http).delete(`/api/keys/${other}`).set('x-api-key', TEST_ADMIN_API_KEY),
      request(http).delete(`/api/keys/${first}`).set('x-api-key', second),
    ]);

    // then: one of them won; the key that is left cannot be revoked
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([204, expect.any(Number)]);
    expect([401, 409]).toContain(statuses[1]);
    const survivor = responses[0].status === 204 ? TEST_ADMIN_API_KEY : second;
    const survivorId = responses[0].status === 204 ? first : other;
    const conflict = await request(http).delete(`/api/keys/${survivorId}`).set('x-api-key', survivor).expect(409);
    expect(conflict.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: `API key ${survivorId} is the last active admin key; create another admin key before revoking it`,
    });
    await request(http).get('/api/keys').set('x-api-key', survivor).expect(200);
  });
});
