import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { MIGRATIONS_TABLE } from '../../src/config/typeorm.config';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Applies every migration of the project to a database, as the service does at boot. */
export async function runMigrations(url: string): Promise<void> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    migrations: [path.join(PROJECT_ROOT, 'migrations', '*.{ts,js}')],
    migrationsTableName: MIGRATIONS_TABLE,
    logging: false,
  });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
  } finally {
    await dataSource.destroy();
  }
}
