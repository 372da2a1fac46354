import { Controller, Get, Module } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { Auth, type AuthenticatedKey, CurrentKey, Public } from '../src/middleware';
import { createKeys, declaredRoutes, expectAuthMatrix, type RoleKeys } from './helpers/auth';
import { createTestApp, type TestApp } from './helpers/test-app';

// Test-only routes, declared in each of the ways the guard must understand.
@Auth('analyst', 'owner')
@Controller('test/auth')
class TestAuthController {
  @Get('who')
  who(@CurrentKey() key: AuthenticatedKey): AuthenticatedKey {
    return key;
  }

  @Get('clients')
  @Auth('client')
  clients(): string {
    return 'clients';
  }

  @Get('open')
  @Public()
  open(): string {
    return 'open';
  }
}

@Controller('test/undeclared')
class UndeclaredController {
  @Get()
  forgotten(): string {
    return 'should never be served';
  }
}

@Module({ controllers: [TestAuthController, UndeclaredController] })
class TestAuthModule {}

describe('every route of the app', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { ROLE: 'all' } });
  });

  afterAll(() => testApp?.close());

  it('should declare the roles it needs (@Auth) or that it is public (@Public)', () => {
    // when
    const routes = declaredRoutes(testApp.app);

    // then
    expect(routes.filter((route) => route.declaration === undefined).map((route) => route.route)).toEqual([]);
    expect(routes).toEqual(
      expect.arrayContaining([
        { route: 'GET HealthController.check', declaration: { public: true } },
        { route: 'GET MetricsController.metrics', declaration: { public: true } },
        { route: 'POST ApiKeyController.create', declaration: { public: false, roles: ['admin'] } },
      ]),
    );
  });
});

describe('the API-key guard (e2e)', () => {
  let testApp: TestApp;
  let http: App;
  let keys: RoleKeys;

  beforeAll(async () => {
    testApp = await createTestApp({ imports: [TestAuthModule] });
    http = testApp.app.getHttpServer();
    keys = await createKeys(testApp);
  });

  afterAll(() => testApp?.close());

  it('should apply the roles of the controller', () =>
    expectAuthMatrix(http, { method: 'get', path: '/api/test/auth/who' }, ['analyst', 'owner']));

  it("should let a method's roles replace its controller's", () =>
    expectAuthMatrix(http, { method: 'get', path: '/api/test/auth/clients' }, ['client']));

  it('should hand the handler the key that authenticated', async () => {
    const { body: owner } = await request(http).get('/api/test/auth/who').set('x-api-key', keys.owner).expect(200);
    const { body: list } = await request(http).get('/api/keys').set('x-api-key', keys.admin).expect(200);

    expect(owner).toEqual({ id: expect.any(String), name: 'test owner', role: 'owner' });
    expect(list.find((key: { id: string }) => key.id === owner.id)).toMatchObject({ name: 'test owner', role: 'owner' });
  });

  it('should serve public routes without a key, even with a bad one', async () => {
    await request(http).get('/api/test/auth/open').expect(200, 'open');
    await request(http).get('/api/test/auth/open').set('x-api-key', 'trv_bad').expect(200, 'open');
    await request(http).get('/api/health').expect(200);
    await request(http).get('/metrics').expect(200);
    await request(http).get('/api/docs-json').expect(200);
  });

  it('should refuse a route that declares nothing, whatever the key', async () => {
    for (const key of [undefined, keys.admin, keys.client]) {
      const call = request(http).get('/api/test/undeclared');
      const response = await (key ? call.set('x-api-key', key) : call).expect(403);

      expect(response.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'This route declares no required role, so it is refused' });
    }
  });

  it('should find the undeclared route when enumerating routes', () => {
    const undeclared = declaredRoutes(testApp.app).filter((route) => route.declaration === undefined);

    expect(undeclared.map((route) => route.route)).toEqual(['GET UndeclaredController.forgotten']);
  });
});
