import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Enrolments of customers into journeys, and bulk enrolment jobs.
 *
 * - `enrolment`: one row per start of a journey for a customer. The row is written `pending`
 *   before the engine is asked to create the instance, so that the unique indexes decide races
 *   before anything happens in the engine:
 *   - `enrolment_one_open_idx`: at most one open (pending or active) enrolment per customer and
 *     journey while the journey's re-entry rule is `never` or `after_exit` (`exclusive`); two
 *     simultaneous requests insert one row, the other reads it back.
 *   - `enrolment_idempotency_idx`: a client's Idempotency-Key names one enrolment per journey
 *     (failed ones release it, so that a retry after a failure tries again).
 *   The customer is referenced with `on delete cascade`: erasing a customer (GDPR) deletes their
 *   enrolments with the profile.
 * - `enrolment_job`: a bulk enrolment, durable: its progress (`cursor`, the last customer id
 *   handled, and the counters) is written after every page, and the process working on it holds
 *   a lease, so that another process, or the same one after a restart, resumes it.
 *
 * Also an index on the embedded engine's record log for incident records: open incidents are
 * the INCIDENT CREATED records without a RESOLVED one, and without it every listing would scan
 * the whole log. It is partial, so the engine's appends pay for it only on incident records.
 */
export class Enrolments1764400000000 implements MigrationInterface {
  name = 'Enrolments1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table travesia.enrolment_job (
        id uuid primary key default gen_random_uuid(),
        journey_id uuid not null references travesia.journey (id),
        version_number integer not null,
        filter jsonb not null,
        variables jsonb not null default '{}',
        status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
        max_customer_id bigint,
        total integer,
        cursor bigint not null default 0,
        enrolled integer not null default 0,
        skipped integer not null default 0,
        failed integer not null default 0,
        failures jsonb not null default '[]',
        error text,
        lease_owner text,
        lease_until timestamptz,
        created_by_key_id text not null,
        created_by_name text not null,
        created_at timestamptz not null default now(),
        started_at timestamptz,
        updated_at timestamptz not null default now(),
        finished_at timestamptz,
        foreign key (journey_id, version_number) references travesia.journey_version (journey_id, number)
      )`);
    await q.query(`create index enrolment_job_todo_idx on travesia.enrolment_job (created_at) where status in ('queued', 'running')`);

    await q.query(`
      create table travesia.enrolment (
        id uuid primary key default gen_random_uuid(),
        journey_id uuid not null references travesia.journey (id),
        version_number integer not null,
        process_definition_key bigint not null,
        customer_id bigint not null references travesia.customer (id) on delete cascade,
        status text not null check (status in ('pending', 'active', 'completed', 'terminated', 'failed')),
        exclusive boolean not null,
        process_instance_key bigint,
        idempotency_key text,
        source text not null check (source in ('api', 'bulk')),
        job_id uuid references travesia.enrolment_job (id) on delete set null,
        enrolled_by_key_id text not null,
        enrolled_by_name text not null,
        created_at timestamptz not null default now(),
        started_at timestamptz,
        ended_at timestamptz,
        cancelled_by_key_id text,
        cancelled_by_name text,
        error text,
        checked_at timestamptz,
        foreign key (journey_id, version_number) references travesia.journey_version (journey_id, number),
        check ((status = 'pending' or status = 'failed') = (process_instance_key is null))
      )`);
    await q.query(
      `create unique index enrolment_one_open_idx on travesia.enrolment (journey_id, customer_id) where exclusive and status in ('pending', 'active')`,
    );
    await q.query(
      `create unique index enrolment_idempotency_idx on travesia.enrolment (journey_id, idempotency_key) where idempotency_key is not null and status <> 'failed'`,
    );
    await q.query(`create index enrolment_journey_idx on travesia.enrolment (journey_id, created_at, id)`);
    await q.query(`create index enrolment_customer_idx on travesia.enrolment (customer_id, journey_id)`);
    await q.query(`create index enrolment_instance_idx on travesia.enrolment (process_instance_key)`);
    // The tracker visits active enrolments, least recently checked first.
    await q.query(`create index enrolment_active_idx on travesia.enrolment (checked_at nulls first, id) where status = 'active'`);
    await q.query(`create index enrolment_pending_idx on travesia.enrolment (created_at) where status = 'pending'`);

    await q.query(`create index record_incident_idx on engine.record (key) where value_type = 'INCIDENT'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index engine.record_incident_idx`);
    await q.query(`drop table travesia.enrolment`);
    await q.query(`drop table travesia.enrolment_job`);
  }
}
