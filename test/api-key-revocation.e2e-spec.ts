import { Client } from 'pg';
import request from 'supertest';
import { TEST_ADMIN_API_KEY } from './helpers/auth';
import { createTestApp, type TestApp } from './helpers/test-app';
import { until } from './helpers/until';

/**
 * Two API processes of one deployment (one database): a key revoked through one stops working
 * in the other at once, although the other had just checked it and trusts checked keys for ten
 * minutes (API_KEY_CACHE_MS), and again after the other's notification connection broke.
 */
describe('API key revocation across processes (e2e)', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    first = await createTestApp({ env: { API_KEY_CACHE_MS: '600000' } });
    // A second API process on the same database, using the first one's engine, as a scaled-out deployment runs.
    second = await createTestApp({
      databaseUrl: first.databaseUrl,
      env: { ROLE: 'api', ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${first.config.engine.grpcPort}`, API_KEY_CACHE_MS: '600000' },
    });
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  async function newOwnerKey(): Promise<{ id: string; secret: string }> {
    const response = await request(first.app.getHttpServer()).post('/api/keys').set('x-api-key', TEST_ADMIN_API_KEY).send({ name: 'soon revoked', role: 'owner' }).expect(201);
    return response.body as { id: string; secret: string };
  }

  const statusOn = async (app: TestApp, secret: string) => (await request(app.app.getHttpServer()).get('/api/keys/me').set('x-api-key', secret)).status;

  it('should refuse a key in every process once one of them revoked it', async () => {
    // given a key the second process has checked (and so trusts, for ten minutes)
    const key = await newOwnerKey();
    expect(await statusOn(second, key.secret)).toBe(200);

    // when the first process revokes it
    await request(first.app.getHttpServer()).delete(`/api/keys/${key.id}`).set('x-api-key', TEST_ADMIN_API_KEY).expect(204);

    // then both refuse it
    expect(await statusOn(first, key.secret)).toBe(401);
    await until('the second process to refuse the revoked key', () => statusOn(second, key.secret), (status) => status === 401);
  });

  it('should forget every trusted key when its notification connection broke, and listen again', async () => {
    // given a key the second process trusts, and its notification connection cut by the server
    const key = await newOwnerKey();
    expect(await statusOn(second, key.secret)).toBe(200);
    const admin = new Client({ connectionString: first.databaseUrl });
    await admin.connect();
    try {
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'travesia-revocations' and datname = current_database()`);
      // Both processes listen again (the first one's connection was cut too).
      await until(
        'both processes to listen again',
        async () => (await admin.query(`select count(*)::int as n from pg_stat_activity where application_name = 'travesia-revocations' and datname = current_database()`)).rows[0].n as number,
        (listening) => listening === 2,
      );

      // when the key is revoked, directly in the database (as no process announces it)
      await admin.query(`update travesia.api_key set revoked_at = now() where id = $1`, [key.id]);

      // then the second process checks it again rather than trusting its cache: the break made it forget
      expect(await statusOn(second, key.secret)).toBe(401);
    } finally {
      await admin.end();
    }
  });
});
