import { ApiKeyService } from './api-key.service';
import { ApiKeyBootstrapService } from './api-key-bootstrap.service';
import { CustomerPrivacyService } from './customer-privacy.service';
import { CustomerService } from './customer.service';
import { EventDispatcherService } from './event-dispatcher.service';
import { EventService } from './event.service';
import { HealthService } from './health.service';
import { JourneyVersionService } from './journey-version.service';
import { JourneyService } from './journey.service';
import { MessageRoutingTableService } from './message-routing-table.service';
import { MetricsService } from './metrics.service';

export * from './api-key.service';
export * from './api-key-bootstrap.service';
export * from './customer-privacy.service';
export * from './customer.service';
export * from './event-dispatcher.service';
export * from './event.service';
export * from './health.service';
export * from './journey-version.service';
export * from './journey.service';
export * from './message-routing-table.service';
export * from './metrics.service';

export const services = [HealthService, MetricsService, JourneyService, JourneyVersionService, ApiKeyService, ApiKeyBootstrapService, CustomerService, CustomerPrivacyService, EventService, EventDispatcherService, MessageRoutingTableService];
