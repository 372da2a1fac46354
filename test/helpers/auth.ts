import type { INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import request from 'supertest';
import type { App } from 'supertest/types';
import { ROLES, type Role } from '../../src/dtos';
import { AUTH_METADATA, type AuthDeclaration, INVALID_KEY_MESSAGE } from '../../src/middleware';
import { TEST_ADMIN_API_KEY, type TestApp } from './test-app';

export { TEST_ADMIN_API_KEY };

/** A secret per role, each a key created through POST /api/keys. */
export type RoleKeys = Readonly<Record<Role, string>>;

export interface RouteUnderTest {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** With the /api prefix, e.g. `/api/keys`. */
  readonly path: string;
  readonly body?: string | object;
}

const keysByServer = new Map<App, Promise<RoleKeys>>();

/**
 * Keys of every role for this app, created once per app through the real API with the pinned
 * admin key (TEST_ADMIN_API_KEY, which createTestApp sets), and then reused. Do not revoke
 * them in a test: create a key of your own for that.
 */
export function createKeys(app: TestApp | App): Promise<RoleKeys> {
  const http = isTestApp(app) ? app.app.getHttpServer() : app;
  let keys = keysByServer.get(http);
  if (!keys) {
    keys = createRoleKeys(http);
    keys.catch(() => keysByServer.delete(http));
    keysByServer.set(http, keys);
  }
  return keys;
}

/** Creates one key through POST /api/keys and returns its secret. */
export async function createKey(http: App, role: Role, name = `test ${role}`, adminKey = TEST_ADMIN_API_KEY): Promise<string> {
  const response = await request(http).post('/api/keys').set('x-api-key', adminKey).send({ name, role });
  if (response.status !== 201) throw new Error(`Creating a ${role} key answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.secret as string;
}

/** supertest requests to `http` that carry the API key `key`. */
export function withKey(http: App, key: string) {
  return {
    get: (path: string) => request(http).get(path).set('x-api-key', key),
    post: (path: string, body?: object) => request(http).post(path).set('x-api-key', key).send(body),
    put: (path: string, body?: object) => request(http).put(path).set('x-api-key', key).send(body),
    patch: (path: string, body?: object) => request(http).patch(path).set('x-api-key', key).send(body),
    delete: (path: string) => request(http).delete(path).set('x-api-key', key),
  };
}

/**
 * Asserts who may call a route: 401 without a key and with an unknown key, 403 for every role
 * not in `allowedRoles`, and neither 401 nor 403 for the allowed roles and admin (which passes
 * every check). Allowed calls really run, once per allowed role: give a body whose effect can
 * be repeated, or an invalid one (a 400 counts as allowed).
 */
export async function expectAuthMatrix(http: App, route: RouteUnderTest, allowedRoles: readonly Role[]): Promise<void> {
  const keys = await createKeys(http);
  const call = (key?: string) => {
    let test = request(http)[route.method](route.path);
    if (key !== undefined) test = test.set('x-api-key', key);
    return route.body === undefined ? test : test.send(route.body);
  };
  const where = `${route.method.toUpperCase()} ${route.path}`;
  const unauthorized = { statusCode: 401, error: 'Unauthorized', message: INVALID_KEY_MESSAGE };

  const anonymous = await call();
  expect({ where, key: 'none', status: anonymous.status, body: anonymous.body }).toEqual({ where, key: 'none', status: 401, body: unauthorized });
  const unknown = await call('trv_this-key-does-not-exist-0000000000000000000');
  expect({ where, key: 'unknown', status: unknown.status, body: unknown.body }).toEqual({ where, key: 'unknown', status: 401, body: unauthorized });

  for (const role of ROLES) {
    const response = await call(keys[role]);
    if (role === 'admin' || allowedRoles.includes(role)) {
      const refused = response.status === 401 || response.status === 403;
      expect({ where, role, status: response.status, refused }).toEqual({ where, role, status: response.status, refused: false });
    } else {
      expect({ where, role, status: response.status, error: response.body.error }).toEqual({ where, role, status: 403, error: 'Forbidden' });
      expect(response.body.message).toContain(`this key's role is ${role}`);
    }
  }
}

export interface DeclaredRoute {
  /** `GET ApiKeyController.list`. */
  readonly route: string;
  readonly declaration: AuthDeclaration | undefined;
}

/** Every HTTP route of the app's controllers, with its @Auth/@Public declaration (method over class). */
export function declaredRoutes(app: INestApplication): DeclaredRoute[] {
  const reflector = app.get(Reflector);
  const scanner = new MetadataScanner();
  const routes: DeclaredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (!metatype) continue;
      const prototype = metatype.prototype as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as (...args: unknown[]) => unknown;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        routes.push({
          route: `${method} ${metatype.name}.${name}`,
          declaration: reflector.getAllAndOverride<AuthDeclaration | undefined>(AUTH_METADATA, [handler, metatype]),
        });
      }
    }
  }
  return routes;
}

async function createRoleKeys(http: App): Promise<RoleKeys> {
  const entries = await Promise.all(ROLES.map(async (role) => [role, await createKey(http, role)] as const));
  return Object.fromEntries(entries) as Record<Role, string>;
}

function isTestApp(app: TestApp | App): app is TestApp {
  return typeof app === 'object' && 'close' in app && 'databaseUrl' in app;
}
