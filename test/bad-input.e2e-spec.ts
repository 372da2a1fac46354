import request from 'supertest';
import type { App } from 'supertest/types';
import { createKeys, type RoleKeys } from './helpers/auth';
import { createTestApp, type TestApp } from './helpers/test-app';

type Operation = { security?: unknown[]; requestBody?: unknown; responses?: Record<string, unknown> };
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
const PUBLIC = new Set(['/api/health', '/metrics']);

/**
 * Every documented endpoint, from the OpenAPI document itself: without a key it answers 401,
 * and whatever garbage an admin sends it — unknown ids, wrong types, malformed JSON — it
 * answers with a 4xx, never a 500.
 */
describe('every endpoint against bad input', () => {
  let testApp: TestApp;
  let http: App;
  let keys: RoleKeys;
  let operations: { method: Method; path: string; operation: Operation }[];

  beforeAll(async () => {
    testApp = await createTestApp();
    http = testApp.app.getHttpServer();
    keys = await createKeys(testApp);
    const document = (await request(http).get('/api/docs-json').expect(200)).body as { paths: Record<string, Record<Method, Operation>> };
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      (Object.entries(methods) as [Method, Operation][]).map(([method, operation]) => ({ method, path, operation })),
    );
  }, 60_000);
  afterAll(() => testApp?.close());

  const concrete = (path: string, value: string) => path.replace(/\{[^}]+\}/g, value);

  it('should document the whole API, each operation with its security and responses', () => {
    expect(operations.length).toBeGreaterThan(25);
    for (const { path, operation } of operations) {
      if (!PUBLIC.has(path)) expect({ path, security: operation.security }).toEqual({ path, security: expect.arrayContaining([expect.anything()]) });
      expect(Object.keys(operation.responses ?? {}).length).toBeGreaterThan(0);
    }
  });

  it('should refuse every protected endpoint without a key', async () => {
    const answers: string[] = [];
    for (const { method, path } of operations.filter((o) => !PUBLIC.has(o.path))) {
      const response = await request(http)[method](concrete(path, '00000000-0000-4000-8000-000000000000'));
      if (response.status !== 401) answers.push(`${method.toUpperCase()} ${path} → ${response.status}`);
    }
    expect(answers).toEqual([]);
  });

  it('should answer garbage with a 4xx, never a 5xx', async () => {
    const values = ['00000000-0000-4000-8000-000000000000', 'not-an-id', '9999999999999999999', '%00', 'x'.repeat(300)];
    const bodies: (string | object)[] = ['{"broken json', '[]', { unexpected: true }, { name: 42, customerId: null, events: 'no' }];
    const failures: string[] = [];
    for (const { method, path, operation } of operations) {
      for (const value of values) {
        const url = concrete(path, encodeURIComponent(value));
        const sends = operation.requestBody || method === 'post' || method === 'put' || method === 'patch' ? bodies : [undefined];
        for (const body of sends) {
          let call = request(http)[method](`${url}?limit=-5&from=yesterday&version=abc`).set('x-api-key', keys.admin);
          if (typeof body === 'string') call = call.set('content-type', 'application/json').send(body);
          else if (body !== undefined) call = call.send(body);
          const response = await call;
          if (response.status >= 500) failures.push(`${method.toUpperCase()} ${url} ${JSON.stringify(body)} → ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
