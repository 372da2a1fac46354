import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Camunda8 } from '@camunda8/sdk';
import { AppConfig } from '../config';

export type ZeebeGrpcClient = ReturnType<Camunda8['getZeebeGrpcApiClient']>;

/**
 * The official Zeebe client, the only way this service reaches an engine: the embedded one
 * (on ENGINE_GRPC_HOST:ENGINE_GRPC_PORT) or the cluster at ZEEBE_GRPC_ADDRESS.
 */
@Injectable()
export class ZeebeClientRepository implements OnApplicationShutdown {
  readonly address: string;
  private readonly camunda: Camunda8;
  private connected?: ZeebeGrpcClient;

  constructor(config: AppConfig) {
    this.address = zeebeAddress(config);
    this.camunda = new Camunda8({
      ZEEBE_GRPC_ADDRESS: this.address,
      zeebeGrpcSettings: {
        ZEEBE_CLIENT_LOG_LEVEL: config.logLevel === 'silent' ? 'NONE' : 'ERROR',
        // Otherwise a reconnect timer keeps the process alive for 3 s after close().
        ZEEBE_GRPC_CLIENT_CONNECTION_TOLERANCE_MS: 0,
        // A worker polls again this soon after a poll returned jobs (the client's default, 300 ms,
        // would add that much to every blocking listener job of a journey).
        ZEEBE_GRPC_WORKER_POLL_INTERVAL_MS: 20,
        // Long polls end (and release a closing worker) within 10 s instead of 50 s.
        ZEEBE_GRPC_WORKER_LONGPOLL_SECONDS: 10,
      },
    } as ConstructorParameters<typeof Camunda8>[0]);
  }

  /**
   * Created on first use: the client connects at once, and the embedded engine's gateway only
   * listens once its module has started — a client made earlier would begin in connection backoff.
   */
  get client(): ZeebeGrpcClient {
    return (this.connected ??= this.camunda.getZeebeGrpcApiClient());
  }

  /** Runs after the job workers drained (onModuleDestroy), so no job loses its connection. */
  async onApplicationShutdown(): Promise<void> {
    if (this.connected) await this.camunda.closeAllClients().catch(() => undefined);
  }
}

/** Where the Zeebe gateway is: ZEEBE_GRPC_ADDRESS, else the embedded engine's own gateway. */
export function zeebeAddress(config: AppConfig): string {
  if (config.zeebe.grpcAddress) return config.zeebe.grpcAddress;
  const host = ['0.0.0.0', '::', '[::]'].includes(config.engine.grpcHost) ? '127.0.0.1' : config.engine.grpcHost;
  return `grpc://${host}:${config.engine.grpcPort}`;
}
