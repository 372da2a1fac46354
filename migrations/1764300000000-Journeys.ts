import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Journeys, their versions (the BPMN XML as the analyst drew it, with validation and a diff
 * against the previous version) and their deployments (the XML the engine got, with the KPI
 * listeners injected). A journey is one bpmnProcessId for good, archived or not: the engine
 * keeps its process definitions.
 */
export class Journeys1764300000000 implements MigrationInterface {
  name = 'Journeys1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table travesia.journey (
        id uuid primary key default gen_random_uuid(),
        process_id text not null unique,
        name text not null check (length(btrim(name)) > 0),
        description text,
        goal jsonb,
        reentry text not null check (reentry in ('never', 'after_exit', 'always')),
        kpi_listeners_enabled boolean not null default true,
        kpi_listener_job_type text,
        live_version integer,
        latest_version integer,
        created_by_key_id text not null,
        created_by_name text not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        archived_at timestamptz
      )`);
    await queryRunner.query(`
      create table travesia.journey_version (
        id uuid primary key default gen_random_uuid(),
        journey_id uuid not null references travesia.journey (id),
        number integer not null check (number > 0),
        bpmn_xml text not null,
        checksum text not null check (checksum ~ '^[0-9a-f]{64}$'),
        author_key_id text not null,
        author_name text not null,
        created_at timestamptz not null default now(),
        diff jsonb,
        validation jsonb not null,
        message_names text[] not null default '{}',
        start_message_names text[] not null default '{}',
        waiting_message_names text[] not null default '{}',
        unique (journey_id, number)
      )`);
    await queryRunner.query(`
      create table travesia.journey_deployment (
        id uuid primary key default gen_random_uuid(),
        journey_id uuid not null,
        version_number integer not null,
        process_definition_key text not null,
        zeebe_version integer not null,
        deployed_xml text not null,
        kpi_listener_job_type text,
        kpi_listener_elements jsonb not null default '[]',
        deployed_by_key_id text not null,
        deployed_by_name text not null,
        deployed_at timestamptz not null default now(),
        foreign key (journey_id, version_number) references travesia.journey_version (journey_id, number)
      )`);
    await queryRunner.query(`create index journey_deployment_version_idx on travesia.journey_deployment (journey_id, version_number, deployed_at)`);
    // The KPI worker looks deployments up by the processDefinitionKey its jobs carry.
    await queryRunner.query(`create index journey_deployment_definition_idx on travesia.journey_deployment (process_definition_key)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table travesia.journey_deployment`);
    await queryRunner.query(`drop table travesia.journey_version`);
    await queryRunner.query(`drop table travesia.journey`);
  }
}
