import { ApiKeyRepository } from './api-key.repository';
import { BpmnLintRepository } from './bpmn-lint.repository';
import { BpmnModdleRepository } from './bpmn-moddle.repository';
import { CryptoRepository } from './crypto.repository';
import { CustomerEventRepository } from './customer-event.repository';
import { CustomerRepository } from './customer.repository';
import { DatabaseRepository } from './database.repository';
import { EventOutboxRepository } from './event-outbox.repository';
import { JourneyRepository } from './journey.repository';
import { MessagePublisherRepository } from './message-publisher.repository';
import { MetricsRepository } from './metrics.repository';
import { ProcessDeploymentRepository } from './process-deployment.repository';
import { TerminalRepository } from './terminal.repository';

export * from './api-key.repository';
export * from './bpmn-diagram';
export * from './bpmn-lint.repository';
export * from './bpmn-moddle.repository';
export * from './crypto.repository';
export * from './customer-erasure';
export * from './customer-event.repository';
export * from './customer.repository';
export * from './data-source.factory';
export * from './database-server';
export * from './database.repository';
export * from './embedded-postgres.repository';
export * from './event-outbox.repository';
export * from './journey.repository';
export * from './kpi-listeners';
export * from './message-publisher.repository';
export * from './metrics.repository';
export * from './process-deployment.repository';
export * from './terminal.repository';

/** Repositories provided by the core module (the database server and DataSource come from its options). */
export const repositories = [DatabaseRepository, MetricsRepository, JourneyRepository, BpmnModdleRepository, BpmnLintRepository, ProcessDeploymentRepository, ApiKeyRepository, CryptoRepository, TerminalRepository, CustomerRepository, CustomerEventRepository, EventOutboxRepository, MessagePublisherRepository];
