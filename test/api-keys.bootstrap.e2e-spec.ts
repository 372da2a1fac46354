import { Client } from 'pg';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { ApiKeyRepository, CryptoRepository, FIRST_KEY_LOCK, TerminalRepository } from '../src/repositories';
import { findFreePort } from '../src/repositories/tcp-port';
import { ApiKeyBootstrapService } from '../src/services';
import { runServiceProcess, type ServiceProcess, startServiceProcess } from './helpers/service-process';
import { createTestApp, TEST_ADMIN_API_KEY, type TestApp } from './helpers/test-app';
import { createTestDatabase, type TestDatabase } from './helpers/test-database';

const BANNER = /^Travesía admin API key \(shown once\): (trv_[A-Za-z0-9_-]{43})$/gm;

describe('the first admin key, in process (e2e)', () => {
  let printed: string[];
  let testApp: TestApp;

  beforeAll(async () => {
    printed = [];
    jest.spyOn(TerminalRepository.prototype, 'print').mockImplementation((lines) => void printed.push(...lines));
    testApp = await createTestApp({ env: { ADMIN_API_KEY: '' } });
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await testApp?.close();
  });

  it('should make one up on the first start, and print it once', async () => {
    // then
    const secrets = [...printed.join('\n').matchAll(BANNER)].map((match) => match[1]);
    expect(secrets).toHaveLength(1);
    const { body: me } = await request(testApp.app.getHttpServer()).get('/api/keys/me').set('x-api-key', secrets[0]).expect(200);
    expect(me).toMatchObject({ name: 'initial admin', role: 'admin' });
    await request(testApp.app.getHttpServer()).get('/api/keys').set('x-api-key', TEST_ADMIN_API_KEY).expect(401);
  });

  it('should neither create nor print a key once there is one', async () => {
    // given
    printed.length = 0;

    // when
    await testApp.app.get(ApiKeyBootstrapService).createInitialAdminKey();

    // then
    expect(printed).toEqual([]);
    expect(await countKeys()).toBe(1);
  });

  it('should wait for another process creating the first key, and then create none', async () => {
    // given: no keys, and another process in the middle of creating the first one
    await onDatabase((client) => client.query('delete from travesia.api_key'));
    printed.length = 0;
    const other = new Client({ connectionString: testApp.databaseUrl });
    await other.connect();
    try {
      await other.query('begin');
      await other.query('select pg_advisory_xact_lock($1)', [FIRST_KEY_LOCK]);

      // when: this process starts meanwhile, and the other one then commits its key
      const bootstrapping = testApp.app.get(ApiKeyBootstrapService).createInitialAdminKey();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await other.query(
        `insert into travesia.api_key (name, role, key_hash, prefix) values ('initial admin', 'admin', repeat('a', 64), 'trv_other')`,
      );
      await other.query('commit');
      await bootstrapping;
    } finally {
      await other.end();
    }

    // then
    expect(await countKeys()).toBe(1);
    expect(printed).toEqual([]);
  });

  it('should create a single key when several start at once', async () => {
    // given
    await onDatabase((client) => client.query('delete from travesia.api_key'));
    printed.length = 0;
    const bootstrap = testApp.app.get(ApiKeyBootstrapService);

    // when
    await Promise.all([1, 2, 3, 4].map(() => bootstrap.createInitialAdminKey()));

    // then
    expect(await countKeys()).toBe(1);
    expect([...printed.join('\n').matchAll(BANNER)]).toHaveLength(1);
  });

  it('should ignore ADMIN_API_KEY once there are keys', async () => {
    // given
    const pinned = 'trv_pinned-too-late-000000000000000000000000000000';
    const late = new ApiKeyBootstrapService(
      loadConfig({ ADMIN_API_KEY: pinned }),
      testApp.app.get(ApiKeyRepository),
      testApp.app.get(CryptoRepository),
      testApp.app.get(TerminalRepository),
    );

    // when
    await late.createInitialAdminKey();

    // then
    expect(await countKeys()).toBe(1);
    await request(testApp.app.getHttpServer()).get('/api/keys/me').set('x-api-key', pinned).expect(401);
  });

  async function countKeys(): Promise<number> {
    let count = 0;
    await onDatabase(async (client) => {
      count = Number((await client.query('select count(*) from travesia.api_key')).rows[0].count);
    });
    return count;
  }

  async function onDatabase(work: (client: Client) => Promise<unknown>): Promise<void> {
    const client = new Client({ connectionString: testApp.databaseUrl });
    await client.connect();
    try {
      await work(client);
    } finally {
      await client.end();
    }
  }
});

describe('the first admin key, in the real service (e2e)', () => {
  jest.setTimeout(120_000);
  let database: TestDatabase;
  const running: ServiceProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(running.map((service) => service.stop('SIGKILL')));
    await database?.drop();
  });

  const start = async (env: Record<string, string>) => {
    const service = await startServiceProcess({ DATABASE_URL: database.url, LOG_LEVEL: 'info', ENGINE_GRPC_PORT: String(await findFreePort()), ...env });
    running.push(service);
    return service;
  };

  it('should print the key once on stdout when API processes start together, never in the logs, and not on the next start', async () => {
    // when: two API processes start on a database without keys
    const [first, second] = await Promise.all([start({ ROLE: 'api' }), start({ ROLE: 'api' })]);

    // then: exactly one of them printed a key, on a line of its own, and the key works on both
    const banners = [...first.output().matchAll(BANNER), ...second.output().matchAll(BANNER)];
    expect(banners).toHaveLength(1);
    const secret = banners[0][1];
    for (const service of [first, second]) {
      const me = await fetch(`${service.url}/api/keys/me`, { headers: { 'x-api-key': secret } });
      expect(await me.json()).toMatchObject({ name: 'initial admin', role: 'admin' });
    }

    // when: the key creates another one, and both are used
    const created = await fetch(`${first.url}/api/keys`, {
      method: 'POST',
      headers: { 'x-api-key': secret, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'CRM', role: 'client' }),
    });
    const { secret: clientSecret } = (await created.json()) as { secret: string };
    await fetch(`${second.url}/api/keys/me`, { headers: { 'x-api-key': clientSecret } });
    const list = await (await fetch(`${second.url}/api/keys`, { headers: { 'x-api-key': secret } })).text();
    await Promise.all([first.stop(), second.stop()]);

    // then: neither secret is anywhere else, though the requests were logged
    const output = first.output() + second.output();
    expect(output).toContain('"url":"/api/keys"');
    expect(output.split('\n').filter((line) => line.includes(secret))).toEqual([`Travesía admin API key (shown once): ${secret}`]);
    expect(output).not.toContain(clientSecret);
    expect(list).not.toContain(clientSecret);
    expect(list).not.toContain(secret);

    // when: the service starts again
    const again = await start({ ROLE: 'all' });

    // then: no new key, and the first one still works
    expect(again.output()).not.toMatch(BANNER);
    expect((await fetch(`${again.url}/api/keys`, { headers: { 'x-api-key': secret } })).status).toBe(200);
    await again.stop();
  });

  it('should refuse to start with an ADMIN_API_KEY that is too weak, without echoing it', async () => {
    const { code, stderr } = await runServiceProcess({ DATABASE_URL: database.url, ADMIN_API_KEY: 'trv_hunter2' });

    expect(code).toBe(1);
    expect(stderr).toContain('ADMIN_API_KEY must be trv_ followed by at least 43 base64url characters');
    expect(stderr).not.toContain('hunter2');
  });
});
