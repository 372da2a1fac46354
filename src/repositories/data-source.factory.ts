import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

// Any constant shared by every Travesía process; it names the lock, it is not a secret.
const MIGRATION_LOCK = 7_340_001;

/**
 * Initialises TypeORM, which runs pending migrations (`migrationsRun`), while holding a
 * PostgreSQL advisory lock: API and worker replicas that boot together then apply each
 * migration once instead of racing on the same DDL.
 */
export async function createDataSource(options: PostgresConnectionOptions): Promise<DataSource> {
  const lock = new Client({ connectionString: options.url, application_name: 'travesia-migrations' });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await new DataSource(options).initialize();
  } finally {
    // Ending the session releases the lock.
    await lock.end();
  }
}
