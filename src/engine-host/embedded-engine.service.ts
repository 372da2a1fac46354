import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, DatabaseConfig } from '../config';
import { Engine, SystemClock, type Clock, type EngineObserver } from '../engine';
import { FeelEvaluator } from '../engine/feel';
import { PgEngineStore } from '../engine-store/pg-engine-store';
import { GatewayServer } from '../gateway';
import { MetricsRepository } from '../repositories';
import { HealthService } from '../services';

/**
 * Runs the embedded engine and its Zeebe gRPC gateway in this process when no external Zeebe
 * is configured. Everything else (the API, the workers) still reaches it through the gateway.
 */
@Injectable()
export class EmbeddedEngineService implements OnApplicationShutdown {
  private readonly logger = new Logger('EmbeddedEngine');
  private store?: PgEngineStore;
  private engine?: Engine;
  private gateway?: GatewayServer;
  private readonly clock: Clock = new SystemClock();

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseConfig,
    private readonly health: HealthService,
    private readonly metrics: MetricsRepository,
  ) {}

  /** Whether this process hosts the engine (ROLE runs `engine` and no ZEEBE_GRPC_ADDRESS is set). */
  get enabled(): boolean {
    return this.config.runs('engine') && !this.config.zeebe.grpcAddress;
  }

  /**
   * Starts the engine and its gateway. Called by the module's provider factory, so that the
   * gateway listens before any other module's init hook can use the Zeebe client.
   */
  async start(): Promise<void> {
    if (!this.enabled) return;
    const store = new PgEngineStore(this.database.url);
    await store.acquireLock();
    this.store = store;
    this.engine = await Engine.start({
      store,
      clock: this.clock,
      expressions: new FeelEvaluator({ clock: this.clock }),
      logger: {
        info: (message, context) => this.logger.log({ ...context, message }),
        warn: (message, context) => this.logger.warn({ ...context, message }),
        error: (message, context) => this.logger.error({ ...context, message }),
      },
      observer: this.observer(),
    });
    this.gateway = new GatewayServer(this.engine, { host: this.config.engine.grpcHost, port: this.config.engine.grpcPort });
    await this.gateway.start();
    const engine = this.engine;
    this.health.register({
      name: 'engine',
      check: async () => {
        if (!engine.isHealthy) throw new Error('the engine is recovering from a failed write');
        return { gateway: this.gateway?.address, queued: engine.queueLength };
      },
    });
    this.logger.log(`Embedded Zeebe engine listening on ${this.gateway.address}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.gateway?.stop();
    await this.engine?.close();
    await this.store?.close();
  }

  private observer(): EngineObserver {
    const batches = this.metrics.histogram({
      name: 'travesia_engine_batch_commands',
      help: 'Commands per engine batch (one transaction each)',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    });
    const records = this.metrics.counter({ name: 'travesia_engine_records_total', help: 'Records appended to the engine log' });
    const commands = this.metrics.counter({ name: 'travesia_engine_commands_total', help: 'Commands processed by the engine' });
    const writes = this.metrics.histogram({
      name: 'travesia_engine_commit_seconds',
      help: 'Time to write one engine batch durably',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    });
    return {
      batchCommitted: (stats) => {
        batches.observe(stats.commands);
        commands.inc(stats.commands);
        records.inc(stats.records);
        writes.observe(stats.writeMs / 1000);
      },
    };
  }
}
