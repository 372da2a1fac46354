import { Global, Module } from '@nestjs/common';
import { ZEEBE_GRPC_CLIENT } from '../workers';
import { ZeebeClientRepository, type ZeebeGrpcClient } from './zeebe-client.repository';

/** Defers connecting until a worker first uses the client (see ZeebeClientRepository.client). */
function lazyClient(repository: ZeebeClientRepository): ZeebeGrpcClient {
  return new Proxy({} as ZeebeGrpcClient, {
    get(_target, property) {
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
