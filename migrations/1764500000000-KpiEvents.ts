import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the KPI execution listeners report: one row per element instance and phase.
 *
 * - `start` / `end`: written by the KPI worker for a listener job. The primary key
 *   (element_instance_key, phase) makes a redelivered job a no-op; `job_key` tells a redelivery
 *   of the start job from the end job of the same element instance (see KpiEventRepository).
 *   The process itself has an `end` row (element_instance_key = process_instance_key) from its
 *   end listener when the instance completes.
 * - `terminated`: the element instance (or, for the process, the instance) was left without
 *   completing, which no listener reports; learned from the embedded engine's records when KPIs
 *   are read. `job_key` is null, as for any row not written for a listener job.
 *
 * `listened` is which KPI listeners the element had at deploy (`both`, or only `start` or
 * `end`): an element with one listener is entered and left at once. `customer_id` and `variant`
 * are the instance's `customerId` and `variant` variables as the listener job saw them.
 * `customer_id` is cleared when the customer is erased; the KPIs stay.
 *
 * Also a partial index on the embedded engine's record log, for the exits the KPI rows learn
 * from it (EmbeddedInstanceHistoryRepository.exits): element instances terminated and process
 * instances completed, by key. Only those records pay for it: about one per cancelled or
 * interrupted element, and one per completed instance.
 */
export class KpiEvents1764500000000 implements MigrationInterface {
  name = 'KpiEvents1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table travesia.kpi_event (
        element_instance_key bigint not null,
        phase text not null check (phase in ('start', 'end', 'terminated')),
        process_instance_key bigint not null,
        journey_id uuid not null,
        journey_version integer not null,
        bpmn_process_id text not null,
        process_definition_version integer not null,
        process_definition_key bigint not null,
        element_id text not null,
        element_type text not null,
        listened text not null check (listened in ('start', 'end', 'both')),
        job_key bigint,
        customer_id text,
        variant text,
        occurred_at timestamptz not null,
        recorded_at timestamptz not null default now(),
        primary key (element_instance_key, phase)
      )`);
    await queryRunner.query(`create index kpi_event_journey_idx on travesia.kpi_event (journey_id, journey_version, process_instance_key)`);
    await queryRunner.query(`create index kpi_event_instance_idx on travesia.kpi_event (process_instance_key)`);
    await queryRunner.query(`create index kpi_event_customer_idx on travesia.kpi_event (customer_id, process_instance_key) where customer_id is not null`);
    await queryRunner.query(
      `create index record_element_exit_idx on engine.record (key)
        where value_type = 'PROCESS_INSTANCE' and (intent = 'ELEMENT_TERMINATED' or (intent = 'ELEMENT_COMPLETED' and bpmn_element_type = 'PROCESS'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop index engine.record_element_exit_idx`);
    await queryRunner.query(`drop table travesia.kpi_event`);
  }
}
