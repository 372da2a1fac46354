import type { Type } from '@nestjs/common';
import { ApiKeyController } from './api-key.controller';
import { CustomerHistoryController } from './customer-history.controller';
import { CustomerController } from './customer.controller';
import { EnrolmentController } from './enrolment.controller';
import { EventController } from './event.controller';
import { HealthController } from './health.controller';
import { IncidentController } from './incident.controller';
import { InstanceHistoryController } from './instance-history.controller';
import { JourneyVersionController } from './journey-version.controller';
import { JourneyController } from './journey.controller';
import { KpiController } from './kpi.controller';
import { MetricsController } from './metrics.controller';
import { ModelingController } from './modeling.controller';

export * from './api-key.controller';
export * from './customer-history.controller';
export * from './customer.controller';
export * from './enrolment.controller';
export * from './event.controller';
export * from './health.controller';
export * from './incident.controller';
export * from './instance-history.controller';
export * from './journey-version.controller';
export * from './journey.controller';
export * from './kpi.controller';
export * from './metrics.controller';
export * from './modeling.controller';

/** Served by every role: probes and scrapes reach each process. */
export const operationsControllers = [HealthController, MetricsController];

/** The REST API, served when ROLE is `api` or `all`. */
export const apiControllers: Type[] = [ApiKeyController, JourneyController, JourneyVersionController, CustomerController, EventController, EnrolmentController, IncidentController, KpiController, InstanceHistoryController, CustomerHistoryController, ModelingController];
