import { Module } from '@nestjs/common';
import { AppConfig, DatabaseConfig } from '../config';
import { MetricsRepository } from '../repositories';
import { HealthService } from '../services';
import { EmbeddedEngineService } from './embedded-engine.service';

/**
 * The `engine` component: the embedded engine and its gateway (idle when ZEEBE_GRPC_ADDRESS is
 * set). An async factory starts it while Nest creates the providers — before any init hook of
 * another module (the event dispatcher, the job workers) reaches for the Zeebe client.
 */
@Module({
  providers: [
    {
      provide: EmbeddedEngineService,
      useFactory: async (config: AppConfig, database: DatabaseConfig, health: HealthService, metrics: MetricsRepository) => {
        const service = new EmbeddedEngineService(config, database, health, metrics);
        await service.start();
        return service;
      },
      inject: [AppConfig, DatabaseConfig, HealthService, MetricsRepository],
    },
  ],
  exports: [EmbeddedEngineService],
})
export class EngineHostModule {}
