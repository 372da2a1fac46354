import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The embedded engine's state (schema `engine`). Entity rows are JSON documents written by
 * the engine's single writer; `record` is the append-only log shaped like Zeebe's exported
 * records, from which instance history and KPIs are read. Documents are `json`, not `jsonb`:
 * they are written far more often than queried (jsonb costs 3× the insert time here), and
 * jsonb cannot hold the \u0000 that user variables may contain.
 */
export class EngineSchema1764000000000 implements MigrationInterface {
  name = 'EngineSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create schema if not exists engine`);
    await q.query(`
      create table engine.meta (
        id int primary key check (id = 1),
        last_key bigint not null,
        last_position bigint not null
      )`);
    await q.query(`insert into engine.meta (id, last_key, last_position) values (1, 2251799813685248, 0)`);
    await q.query(`
      create table engine.definition (
        key bigint primary key,
        bpmn_process_id text not null,
        version int not null,
        resource_name text not null,
        resource text not null,
        checksum text not null,
        deployment_key bigint not null,
        deployed_at bigint not null,
        unique (bpmn_process_id, version)
      )`);
    for (const table of ['element_instance', 'job', 'incident', 'subscription', 'message']) {
      await q.query(`
        create table engine.${table} (
          key bigint primary key,
          process_instance_key bigint not null,
          data json not null
        )`);
      await q.query(`create index ${table}_process_instance_idx on engine.${table} (process_instance_key)`);
    }
    await q.query(`
      create table engine.variable (
        scope_key bigint not null,
        name text not null,
        key bigint not null,
        process_instance_key bigint not null,
        value text not null,
        primary key (scope_key, name)
      )`);
    await q.query(`
      create table engine.record (
        position bigint primary key,
        key bigint not null,
        timestamp timestamptz not null,
        value_type text not null,
        intent text not null,
        process_instance_key bigint not null,
        element_id text,
        bpmn_element_type text,
        value json not null
      )`);
    await q.query(`create index record_process_instance_idx on engine.record (process_instance_key, position)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop schema engine cascade`);
  }
}
