import type { Type } from '@nestjs/common';
import { ApiKeyController } from './api-key.controller';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

export * from './api-key.controller';
export * from './health.controller';
export * from './metrics.controller';

/** Served by every role: probes and scrapes reach each process. */
export const operationsControllers = [HealthController, MetricsController];

/** The REST API, served when ROLE is `api` or `all`. */
export const apiControllers: Type[] = [ApiKeyController];
