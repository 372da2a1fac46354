import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { type AppConfig, ConfigValidationError, loadConfig } from './config';
import { createLogger } from './logging/create-logger';
import { type DatabaseServer, EmbeddedPostgresRepository, ExternalDatabaseServer } from './repositories';

/**
 * Boots the service: the configuration, then the database (whose URL everything else depends
 * on: embedded PostgreSQL unless DATABASE_URL is set), then Nest on top of it, listening.
 * Closing the returned app stops the embedded PostgreSQL last.
 */
export async function bootstrap(env: Readonly<Record<string, string | undefined>>): Promise<NestExpressApplication> {
  const config = loadConfig(env);
  const logger = createLogger(config);
  const database = await startDatabase(config, logger);
  let app: NestExpressApplication | undefined;
  try {
    // abortOnError: false, so that a failed boot reaches the catch below and stops the database.
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, database, logger }), {
      bufferLogs: true,
      abortOnError: false,
    });
    configureApp(app);
    await app.listen(config.port);
    const url = (await app.getUrl()).replace('[::1]', 'localhost');
    logger.info({ url, role: config.role, embeddedDatabase: database.embedded }, 'Travesía is listening');
    return app;
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.stop();
    throw error;
  }
}

function startDatabase(config: AppConfig, logger: Logger): Promise<DatabaseServer> {
  const { externalUrl, embeddedPort } = config.database;
  if (externalUrl) return Promise.resolve(new ExternalDatabaseServer(externalUrl));
  return EmbeddedPostgresRepository.start({ dataDir: config.dataDir, port: embeddedPort, logger });
}

async function main(): Promise<void> {
  try {
    const app = await bootstrap(process.env);
    // On SIGINT/SIGTERM Nest runs every shutdown hook (the database stops last), then exits 0.
    app.enableShutdownHooks(['SIGINT', 'SIGTERM'], { useProcessExit: true });
  } catch (error) {
    process.stderr.write(
      error instanceof ConfigValidationError
        ? `${error.message}\n`
        : `Travesía failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  }
}

if (require.main === module) void main();
