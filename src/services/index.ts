import { ApiKeyService } from './api-key.service';
import { ApiKeyBootstrapService } from './api-key-bootstrap.service';
import { HealthService } from './health.service';
import { MetricsService } from './metrics.service';

export * from './api-key.service';
export * from './api-key-bootstrap.service';
export * from './health.service';
export * from './metrics.service';

export const services = [HealthService, MetricsService, ApiKeyService, ApiKeyBootstrapService];
