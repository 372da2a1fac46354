import type { ModuleMetadata } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { type AppConfig, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging/create-logger';
import { ExternalDatabaseServer } from '../../src/repositories';
import { findFreePort } from '../../src/repositories/tcp-port';
import { createTestDatabase } from './test-database';

/** ADMIN_API_KEY of every test app, so that tests can create keys (see `createKeys` in ./auth). */
export const TEST_ADMIN_API_KEY = 'trv_test-admin-key-0123456789abcdefghijklmnopqrstuv';

export interface TestApp {
  readonly app: NestExpressApplication;
  readonly config: AppConfig;
  /** Connection string of this app's own database. */
  readonly databaseUrl: string;
  /** Closes the app and drops its database. */
  close(): Promise<void>;
}

export interface TestAppOptions {
  /**
   * Environment on top of NODE_ENV=test, ADMIN_API_KEY=TEST_ADMIN_API_KEY and the test database;
   * `ADMIN_API_KEY: ''` lets the app make up its first key as a real first start does.
   */
  readonly env?: Readonly<Record<string, string>>;
  /** Test-only modules and controllers, next to the real app. */
  readonly imports?: ModuleMetadata['imports'];
  readonly controllers?: ModuleMetadata['controllers'];
  /** Another test app's database, to run a second process of the same deployment (left to its owner to drop). */
  readonly databaseUrl?: string;
}

/**
 * The real application, in process, on a database of its own (see `createTestDatabase`), set up
 * as `main.ts` sets it up but not listening: hand `app.getHttpServer()` to supertest.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.databaseUrl ? { url: options.databaseUrl, drop: async () => undefined } : await createTestDatabase();
  try {
    // The embedded engine's gateway gets a port of its own, so that apps can run side by side.
    const engineGrpcPort = String(await findFreePort());
    const config = loadConfig({ NODE_ENV: 'test', ENGINE_GRPC_PORT: engineGrpcPort, ADMIN_API_KEY: TEST_ADMIN_API_KEY, ...options.env, DATABASE_URL: database.url });
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppModule.forRoot({ config, database: new ExternalDatabaseServer(database.url), logger: createLogger(config) }),
        ...(options.imports ?? []),
      ],
      controllers: options.controllers ?? [],
    }).compile();
    const app = configureApp(moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true }));
    await app.init();
    return {
      app,
      config,
      databaseUrl: database.url,
      close: async () => {
        await app.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
