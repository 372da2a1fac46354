import type { Type } from '@nestjs/common';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

export * from './health.controller';
export * from './metrics.controller';

/** Served by every role: probes and scrapes reach each process. */
export const operationsControllers = [HealthController, MetricsController];

/** The REST API, served when ROLE is `api` or `all`. */
export const apiControllers: Type[] = [];
