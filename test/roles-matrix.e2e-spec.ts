import request from 'supertest';
import type { App } from 'supertest/types';
import { ROLES, type Role } from '../src/dtos';
import { INVALID_KEY_MESSAGE } from '../src/middleware';
import { createKeys, declaredRoutes, type RoleKeys } from './helpers/auth';
import { type DocumentedOperation, documentedOperations, examplePath, fetchOpenApiDocument } from './helpers/openapi';
import { createTestApp, type TestApp } from './helpers/test-app';

/** What a caller gets from an operation: refused (401, 403, with the error body), or let in (any other status). */
type Answer = '401' | '403' | 'let in' | `${number} ${string}`;
type Caller = 'no key' | 'unknown key' | Role;

const UNKNOWN_KEY = 'trv_this-key-does-not-exist-0000000000000000000';

/**
 * Who may call what, driven by the OpenAPI document: every path × method that declares the
 * API-key scheme is called without a key, with an unknown key and with a real key of every role
 * (created through POST /api/keys), and must refuse or let in each as its `x-roles` says. The
 * document's `x-roles` come from the routes' `@Auth(...)` declarations, which the guard enforces.
 * Calls that are let in really run, with the documented path examples and no body: they answer
 * 400, 404 and the like, or do something harmless (PUT creates the example customer).
 */
describe('roles matrix: every documented operation against every role (e2e)', () => {
  let testApp: TestApp;
  let http: App;
  let keys: RoleKeys;
  let operations: DocumentedOperation[];

  beforeAll(async () => {
    testApp = await createTestApp();
    http = testApp.app.getHttpServer();
    keys = await createKeys(testApp);
    operations = documentedOperations(await fetchOpenApiDocument(http));
  }, 60_000);

  afterAll(() => testApp?.close());

  it('should document x-roles on every route that declares @Auth, as the route declares them, and none on public routes', () => {
    // given: the declarations in the code, by the operation id @nestjs/swagger gives each route
    const declared = declaredRoutes(testApp.app).map(({ route, declaration }) => {
      const operationId = route.split(' ')[1].replace('.', '_');
      if (!declaration || declaration.public) return { operationId, roles: undefined };
      return { operationId, roles: ROLES.filter((role) => role === 'admin' || declaration.roles.length === 0 || declaration.roles.includes(role)) };
    });

    // when
    const documented = declared.map(({ operationId }) => {
      const found = operations.find(({ operation }) => operation.operationId === operationId);
      return { operationId, roles: found ? found.operation['x-roles'] : 'not documented' };
    });

    // then
    expect(declared.length).toBe(operations.length);
    expect(documented).toEqual(declared);
  });

  it('should declare the API-key scheme on exactly the operations with x-roles', () => {
    const mismatched = operations.filter(({ operation }) => (operation.security !== undefined) !== (operation['x-roles'] !== undefined));
    expect(mismatched.map(({ name }) => name)).toEqual([]);
  });

  it('should refuse callers without a valid key (401) and of a role not in x-roles (403), and let in every role in x-roles', async () => {
    // given
    const protectedOperations = operations.filter(({ operation }) => operation['x-roles'] !== undefined);
    const callers: [Caller, string | undefined][] = [['no key', undefined], ['unknown key', UNKNOWN_KEY], ...ROLES.map((role) => [role, keys[role]] as [Role, string])];
    const expected: Record<string, Partial<Record<Caller, Answer>>> = {};
    const actual: Record<string, Partial<Record<Caller, Answer>>> = {};

    // when
    for (const documented of protectedOperations) {
      const allowed = documented.operation['x-roles'] as readonly string[];
      expected[documented.name] = {};
      actual[documented.name] = {};
      for (const [caller, key] of callers) {
        expected[documented.name][caller] = key === undefined || key === UNKNOWN_KEY ? '401' : allowed.includes(caller) ? 'let in' : '403';
        actual[documented.name][caller] = answerOf(await call(documented, key), caller);
      }
    }

    // then
    expect(protectedOperations.length).toBeGreaterThan(30);
    expect(actual).toEqual(expected);
  });

  it('should let anyone call the public operations', async () => {
    const publicOperations = operations.filter(({ operation }) => operation['x-roles'] === undefined);
    const answers = await Promise.all(publicOperations.map(async (documented) => `${documented.name} → ${answerOf(await call(documented, undefined), 'no key')}`));

    expect(answers.sort()).toEqual(['GET /api/health → let in', 'GET /metrics → let in']);
  });

  function call(documented: DocumentedOperation, key: string | undefined): Promise<request.Response> {
    const test = request(http)[documented.method](examplePath(documented));
    return key === undefined ? test : test.set('x-api-key', key);
  }
});

/** The answer, with the body when a refusal does not have the error body it should. */
function answerOf(response: request.Response, caller: Caller): Answer {
  const { status, body } = response;
  if (status === 401) {
    const expected = { statusCode: 401, error: 'Unauthorized', message: INVALID_KEY_MESSAGE };
    return JSON.stringify(body) === JSON.stringify(expected) ? '401' : `401 ${JSON.stringify(body)}`;
  }
  if (status === 403) {
    const expected = body?.error === 'Forbidden' && typeof body.message === 'string' && body.message.endsWith(`this key's role is ${caller}`);
    return expected ? '403' : `403 ${JSON.stringify(body)}`;
  }
  return 'let in';
}
