import { HealthService } from './health.service';
import { MetricsService } from './metrics.service';

export * from './health.service';
export * from './metrics.service';

export const services = [HealthService, MetricsService];
