import type { Type } from '@nestjs/common';
import { ApiKeyController } from './api-key.controller';
import { CustomerController } from './customer.controller';
import { EventController } from './event.controller';
import { HealthController } from './health.controller';
import { JourneyVersionController } from './journey-version.controller';
import { JourneyController } from './journey.controller';
import { MetricsController } from './metrics.controller';

export * from './api-key.controller';
export * from './customer.controller';
export * from './event.controller';
export * from './health.controller';
export * from './journey-version.controller';
export * from './journey.controller';
export * from './metrics.controller';

/** Served by every role: probes and scrapes reach each process. */
export const operationsControllers = [HealthController, MetricsController];

/** The REST API, served when ROLE is `api` or `all`. */
export const apiControllers: Type[] = [ApiKeyController, JourneyController, JourneyVersionController, CustomerController, EventController];
