import { join } from 'node:path';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

/**
 * The migrations table lives in `public`, named after the service, so that it cannot clash with
 * another application's TypeORM table in a shared database.
 */
export const MIGRATIONS_TABLE = 'travesia_migrations';

/**
 * TypeORM options shared by the service and the CLI. Paths are relative to this file so they
 * work from `src/` (Jest) and from `dist/src/` (built); every file in `migrations/` is a migration.
 * The schema only ever changes through migrations, which run at boot.
 */
export function typeOrmOptions(url: string): PostgresConnectionOptions {
  return {
    type: 'postgres',
    url,
    entities: [join(__dirname, '..', 'entities', '*.entity.{ts,js}')],
    migrations: [join(__dirname, '..', '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: true,
    synchronize: false,
    applicationName: 'travesia',
  };
}
