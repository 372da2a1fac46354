import { DatabaseRepository } from './database.repository';
import { MetricsRepository } from './metrics.repository';

export * from './data-source.factory';
export * from './database-server';
export * from './database.repository';
export * from './embedded-postgres.repository';
export * from './metrics.repository';

/** Repositories provided by the core module (the database server and DataSource come from its options). */
export const repositories = [DatabaseRepository, MetricsRepository];
