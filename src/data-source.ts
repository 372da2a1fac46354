import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig, typeOrmOptions } from './config';

/**
 * The DataSource of the TypeORM CLI, built like the service's:
 *   npm run build && DATABASE_URL=… npx typeorm migration:show -d dist/src/data-source.js
 * New migrations: `npx typeorm migration:create migrations/<PascalName>`. The CLI needs
 * DATABASE_URL: it does not start the embedded PostgreSQL (whose URL is
 * postgres://postgres:<contents of ${DATA_DIR}/pg-password>@127.0.0.1:<port>/travesia).
 */
const { externalUrl } = loadConfig(process.env).database;
if (!externalUrl) throw new Error('The TypeORM CLI needs DATABASE_URL.');

export default new DataSource({ ...typeOrmOptions(externalUrl), migrationsRun: false });
