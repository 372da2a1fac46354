import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { AppConfig, DatabaseConfig, typeOrmOptions } from './config';
import { httpLoggingParams } from './logging/http-logging.params';
import { AllExceptionsFilter, ApiKeyGuard, createValidationPipe, HttpMetricsMiddleware } from './middleware';
import { createDataSource, DatabaseServer, type MetricsRepository, repositories } from './repositories';
import { type HealthService, services } from './services';

export interface CoreModuleOptions {
  readonly config: AppConfig;
  /** Resolved before Nest starts: the embedded PostgreSQL, or the one at DATABASE_URL. */
  readonly database: DatabaseServer;
  readonly logger: Logger;
}

/**
 * What every role needs: configuration, logs, the database (TypeORM, migrations at boot),
 * health, metrics, input validation and the error shape. Global, so feature modules inject
 * {@link AppConfig}, {@link DatabaseConfig}, {@link HealthService}, {@link MetricsRepository}
 * and nestjs-pino's `PinoLogger` without importing anything.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot({ config, database, logger }: CoreModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        LoggerModule.forRoot(httpLoggingParams(logger)),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...typeOrmOptions(database.url),
            retryAttempts: 5,
            retryDelay: 1_000,
            toRetry: isUnreachable,
          }),
          dataSourceFactory: (options) => createDataSource(options as PostgresConnectionOptions),
        }),
      ],
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: DatabaseConfig, useValue: new DatabaseConfig(database.url, database.embedded) },
        { provide: DatabaseServer, useValue: database },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        // Every route declares @Auth(...roles) or @Public(); see ApiKeyGuard.
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        HttpMetricsMiddleware,
        ...repositories,
        ...services,
      ],
      exports: [AppConfig, DatabaseConfig, ...repositories, ...services],
    };
  }
}

// A database that is still starting deserves a few more tries; a failing migration does not.
function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', '57P03'].includes(String(code));
}
