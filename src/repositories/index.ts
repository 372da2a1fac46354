import { ApiKeyRepository } from './api-key.repository';
import { CryptoRepository } from './crypto.repository';
import { DatabaseRepository } from './database.repository';
import { MetricsRepository } from './metrics.repository';
import { TerminalRepository } from './terminal.repository';

export * from './api-key.repository';
export * from './crypto.repository';
export * from './data-source.factory';
export * from './database-server';
export * from './database.repository';
export * from './embedded-postgres.repository';
export * from './metrics.repository';
export * from './terminal.repository';

/** Repositories provided by the core module (the database server and DataSource come from its options). */
export const repositories = [DatabaseRepository, MetricsRepository, ApiKeyRepository, CryptoRepository, TerminalRepository];
