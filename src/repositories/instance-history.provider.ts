import type { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config';
import { EmbeddedInstanceHistoryRepository } from './embedded-instance-history.repository';
import { EnrolmentRepository } from './enrolment.repository';
import { InstanceHistoryRepository } from './instance-history.repository';
import { ListenerInstanceHistoryRepository } from './listener-instance-history.repository';

/**
 * {@link InstanceHistoryRepository}: the embedded engine's records unless ZEEBE_GRPC_ADDRESS
 * names another engine (whose records this service never sees). Processes of any role share
 * the embedded engine's database, so an `api` process reads its records too.
 */
export const instanceHistoryProvider: Provider = {
  provide: InstanceHistoryRepository,
  inject: [AppConfig, DataSource, EnrolmentRepository],
  useFactory: (config: AppConfig, dataSource: DataSource, enrolments: EnrolmentRepository): InstanceHistoryRepository =>
    config.zeebe.grpcAddress ? new ListenerInstanceHistoryRepository(dataSource, enrolments) : new EmbeddedInstanceHistoryRepository(dataSource),
};
