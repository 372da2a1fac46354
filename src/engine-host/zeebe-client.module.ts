import { Global, Module } from '@nestjs/common';
import { ZEEBE_GRPC_CLIENT } from '../workers';
import { ZeebeClientRepository } from './zeebe-client.repository';

/** The Zeebe client for every component (API, workers), global so any module can inject it. */
@Global()
@Module({
  providers: [
    ZeebeClientRepository,
    { provide: ZEEBE_GRPC_CLIENT, useFactory: (repository: ZeebeClientRepository) => repository.client, inject: [ZeebeClientRepository] },
  ],
  exports: [ZeebeClientRepository, ZEEBE_GRPC_CLIENT],
})
export class ZeebeClientModule {}
