import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config';
import { KpiListenerWorker, kpiListenerWorkerFor } from './kpi-listener.worker';

/**
 * The service's own job workers (one file per job type), for the roles that run workers; the
 * WorkersModule discovers their `@JobWorker` methods and binds them to the Zeebe client. They
 * use the services of the (global) CoreModule.
 */
@Module({})
export class JobWorkersModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: JobWorkersModule,
      providers: [{ provide: KpiListenerWorker, useClass: kpiListenerWorkerFor(config.kpi.listenerJobType) }],
      exports: [KpiListenerWorker],
    };
  }
}
