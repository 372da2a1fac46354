import type { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config';
import { ProcessInstanceRepository } from './process-instance.repository';

/** A process instance that is over. */
export interface InstanceEnd {
  readonly processInstanceKey: string;
  readonly outcome: 'completed' | 'terminated';
  /** When it ended; null when the source cannot tell. */
  readonly endedAt: Date | null;
}

/**
 * Port: which process instances have ended. Zeebe's gateway protocol has no query for it, so
 * each engine gets its own implementation (see {@link instanceStateProvider}).
 */
export abstract class InstanceStateRepository {
  /** How many instances one {@link ended} call should be given at most. */
  abstract readonly batchSize: number;

  /** The instances among `processInstanceKeys` that have ended. */
  abstract ended(processInstanceKeys: readonly string[]): Promise<InstanceEnd[]>;
}

/**
 * The embedded engine: its record log (`engine.record`, in this service's database) holds the
 * PROCESS element's ELEMENT_COMPLETED or ELEMENT_TERMINATED record of every instance that ended.
 * One indexed query per call, whatever the number of keys.
 */
export class EngineRecordInstanceStateRepository extends InstanceStateRepository {
  readonly batchSize = 500;

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async ended(processInstanceKeys: readonly string[]): Promise<InstanceEnd[]> {
    if (processInstanceKeys.length === 0) return [];
    const rows: { key: string; intent: string; timestamp: Date }[] = await this.dataSource.query(
      `select process_instance_key::text as key, intent, timestamp from engine.record
        where process_instance_key = any($1::bigint[]) and key = process_instance_key
          and value_type = 'PROCESS_INSTANCE' and bpmn_element_type = 'PROCESS'
          and intent in ('ELEMENT_COMPLETED', 'ELEMENT_TERMINATED')`,
      [processInstanceKeys],
    );
    return rows.map((row) => ({
      processInstanceKey: row.key,
      outcome: row.intent === 'ELEMENT_COMPLETED' ? 'completed' : 'terminated',
      endedAt: row.timestamp,
    }));
  }
}

/**
 * A real Zeebe: its state is only readable through an exporter (Operate, the Camunda 8.8 REST
 * API's process instance search backed by secondary storage), which this service does not
 * require. So each instance is probed through the gateway (see ProcessInstanceRepository.isRunning):
 * an instance the engine no longer knows has ended. Whether it completed or was cancelled
 * outside Travesía is not visible this way: it is reported as completed, without a time
 * (cancellations through Travesía are recorded as they happen). A probe is one command per
 * instance, hence the small batches.
 */
export class ZeebeInstanceStateRepository extends InstanceStateRepository {
  readonly batchSize = 50;
  private static readonly CONCURRENCY = 8;

  constructor(private readonly instances: ProcessInstanceRepository) {
    super();
  }

  async ended(processInstanceKeys: readonly string[]): Promise<InstanceEnd[]> {
    const queue = [...processInstanceKeys];
    const ended: InstanceEnd[] = [];
    const worker = async () => {
      for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
        if (!(await this.instances.isRunning(key))) ended.push({ processInstanceKey: key, outcome: 'completed', endedAt: null });
      }
    };
    await Promise.all(Array.from({ length: Math.min(ZeebeInstanceStateRepository.CONCURRENCY, queue.length) }, worker));
    return ended;
  }
}

/** The embedded engine's records when this service runs it (no ZEEBE_GRPC_ADDRESS), probes of a real Zeebe otherwise. */
export const instanceStateProvider: Provider = {
  provide: InstanceStateRepository,
  inject: [AppConfig, DataSource, ProcessInstanceRepository],
  useFactory: (config: AppConfig, dataSource: DataSource, instances: ProcessInstanceRepository) =>
    config.zeebe.grpcAddress ? new ZeebeInstanceStateRepository(instances) : new EngineRecordInstanceStateRepository(dataSource),
};
