import { Global, Module } from '@nestjs/common';
import { ZEEBE_GRPC_CLIENT } from '../workers';
import { ZeebeClientRepository, type ZeebeGrpcClient } from './zeebe-client.repository';

/** Defers connecting until a worker first uses the client (see ZeebeClientRepository.client). */
function lazyClient(repository: ZeebeClientRepository): ZeebeGrpcClient {
  return new Proxy({} as ZeebeGrpcClient, {
    get(_target, property) {
      // Nest awaits what a factory returns: asking for `then` must not connect (the embedded
      // engine may not listen yet, and a client that connects too early starts in backoff).
      if (property === 'then' || typeof property === 'symbol') return undefined;
      const client = repository.client as unknown as Record<PropertyKey, unknown>;
      const value = client[property];
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(client) : value;
    },
  });
}

/** The Zeebe client for every component (API, workers), global so any module can inject it. */
@Global()
@Module({
  providers: [
    ZeebeClientRepository,
    { provide: ZEEBE_GRPC_CLIENT, useFactory: lazyClient, inject: [ZeebeClientRepository] },
  ],
  exports: [ZeebeClientRepository, ZEEBE_GRPC_CLIENT],
})
export class ZeebeClientModule {}
