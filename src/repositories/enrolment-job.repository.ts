import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { BulkFilter, EnrolmentJobFailure, EnrolmentJobRow, EnrolmentJobStatus } from '../dtos';
import { returningRows } from './returning-rows';

export interface NewEnrolmentJob {
  readonly journeyId: string;
  readonly versionNumber: number;
  readonly filter: BulkFilter;
  readonly variables: Record<string, unknown>;
  readonly createdByKeyId: string;
  readonly createdByName: string;
}

/** A customer a bulk enrolment takes. */
export interface JobCustomer {
  /** customer.id */
  readonly id: string;
  readonly externalId: string;
}

/** What one page of a job changed: counters to add, the new cursor, the failures to keep. */
export interface JobProgress {
  readonly cursor: string;
  readonly enrolled: number;
  readonly skipped: number;
  readonly failed: number;
  readonly failures: readonly EnrolmentJobFailure[];
}

const COLUMNS = `id, journey_id, version_number, filter, variables, status, max_customer_id::text as max_customer_id, total, cursor::text as cursor,
  enrolled, skipped, failed, failures, error, created_by_key_id, created_by_name, created_at, started_at, finished_at`;

interface RawJob {
  id: string;
  journey_id: string;
  version_number: number;
  filter: BulkFilter;
  variables: Record<string, unknown>;
  status: EnrolmentJobStatus;
  max_customer_id: string | null;
  total: number | null;
  cursor: string;
  enrolled: number;
  skipped: number;
  failed: number;
  failures: EnrolmentJobFailure[];
  error: string | null;
  created_by_key_id: string;
  created_by_name: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/**
 * Bulk enrolment jobs (table `enrolment_job`) and the customers they take. A process works on a
 * job while it holds the job's lease (`lease_owner`, `lease_until`), renewed with every page of
 * progress; a job whose lease ran out (its process stopped) is claimed again and resumes after
 * its cursor. Every write of a worker is guarded by its lease, so a worker that lost it stops.
 */
@Injectable()
export class EnrolmentJobRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(job: NewEnrolmentJob): Promise<EnrolmentJobRow> {
    const rows: RawJob[] = await this.dataSource.query(
      `insert into travesia.enrolment_job (journey_id, version_number, filter, variables, created_by_key_id, created_by_name)
       values ($1, $2, $3, $4, $5, $6) returning ${COLUMNS}`,
      [job.journeyId, job.versionNumber, job.filter, job.variables, job.createdByKeyId, job.createdByName],
    );
    return toJobRow(rows[0]);
  }

  async find(id: string): Promise<EnrolmentJobRow | null> {
    const rows: RawJob[] = await this.dataSource.query(`select ${COLUMNS} from travesia.enrolment_job where id = $1`, [id]);
    return rows.length ? toJobRow(rows[0]) : null;
  }

  /** Takes the oldest job that is queued, or running without a live lease, for `owner`; null when there is none. */
  async claim(owner: string, leaseMs: number): Promise<EnrolmentJobRow | null> {
    const rows = returningRows<RawJob>(
      await this.dataSource.query(
        `update travesia.enrolment_job set status = 'running', lease_owner = $1, lease_until = now() + $2 * interval '1 millisecond',
                started_at = coalesce(started_at, now()), updated_at = now()
          where id = (select id from travesia.enrolment_job
                       where status = 'queued' or (status = 'running' and lease_until < now())
                       order by created_at for update skip locked limit 1)
          returning ${COLUMNS}`,
        [owner, leaseMs],
      ),
    );
    return rows.length ? toJobRow(rows[0]) : null;
  }

  /**
   * Fixes, the first time a job runs, which customers it is about — those that exist now (up to
   * the highest id) — and how many of them match. Later runs of the same job keep both.
   */
  async snapshot(job: EnrolmentJobRow, owner: string): Promise<EnrolmentJobRow | null> {
    if (job.maxCustomerId !== null) return job;
    const [{ max }]: { max: string }[] = await this.dataSource.query(`select coalesce(max(id), 0)::text as max from travesia.customer`);
    const params: unknown[] = [];
    const where = customerConditions(job.filter, '0', max, params);
    const [{ count }]: { count: number }[] = await this.dataSource.query(`select count(*)::int as count from travesia.customer c where ${where}`, params);
    const rows = returningRows<RawJob>(
      await this.dataSource.query(
        `update travesia.enrolment_job set max_customer_id = $3, total = $4, updated_at = now()
          where id = $1 and lease_owner = $2 and status = 'running' returning ${COLUMNS}`,
        [job.id, owner, max, count],
      ),
    );
    return rows.length ? toJobRow(rows[0]) : null;
  }

  /** The next customers of the job after its cursor, in id order. */
  async nextCustomers(job: EnrolmentJobRow, limit: number): Promise<JobCustomer[]> {
    const params: unknown[] = [];
    const where = customerConditions(job.filter, job.cursor, job.maxCustomerId ?? '0', params);
    params.push(limit);
    const rows: { id: string; external_id: string }[] = await this.dataSource.query(
      `select c.id::text as id, c.external_id from travesia.customer c where ${where} order by c.id limit $${params.length}`,
      params,
    );
    return rows.map((row) => ({ id: row.id, externalId: row.external_id }));
  }

  /** Records a page of progress and renews the lease; null when `owner` lost the job. */
  async progress(id: string, owner: string, progress: JobProgress, leaseMs: number): Promise<EnrolmentJobRow | null> {
    const rows = returningRows<RawJob>(
      await this.dataSource.query(
        `update travesia.enrolment_job set cursor = $3, enrolled = enrolled + $4, skipped = skipped + $5, failed = failed + $6, failures = $7,
                lease_until = now() + $8 * interval '1 millisecond', updated_at = now()
          where id = $1 and lease_owner = $2 and status = 'running' returning ${COLUMNS}`,
        [id, owner, progress.cursor, progress.enrolled, progress.skipped, progress.failed, JSON.stringify(progress.failures), leaseMs],
      ),
    );
    return rows.length ? toJobRow(rows[0]) : null;
  }

  /** running → done, or failed with `error`; releases the lease. */
  async finish(id: string, owner: string, status: 'done' | 'failed', error: string | null): Promise<void> {
    await this.dataSource.query(
      `update travesia.enrolment_job set status = $3, error = $4, finished_at = now(), lease_owner = null, lease_until = null, updated_at = now()
        where id = $1 and lease_owner = $2 and status = 'running'`,
      [id, owner, status, error],
    );
  }

  /** Gives the job back (at shutdown), so that another process, or the next start, takes it at once. */
  async release(id: string, owner: string): Promise<void> {
    await this.dataSource.query(`update travesia.enrolment_job set lease_until = now() where id = $1 and lease_owner = $2 and status = 'running'`, [id, owner]);
  }
}

/**
 * The SQL conditions on `travesia.customer c` of a job's customers after `afterId` up to
 * `maxId`, appending their parameters. Attributes compare as JSON: `{"vip": true}` matches the
 * boolean true, not the text "true".
 */
function customerConditions(filter: BulkFilter, afterId: string, maxId: string, params: unknown[]): string {
  const param = (value: unknown) => `$${params.push(value)}`;
  const where = ['c.external_id is not null', `c.id > ${param(afterId)}::bigint`, `c.id <= ${param(maxId)}::bigint`];
  if (filter.segment) where.push(`c.segment = ${param(filter.segment)}`);
  if (filter.updatedSince) where.push(`c.updated_at >= ${param(filter.updatedSince)}::timestamptz`);
  for (const [name, value] of Object.entries(filter.attributes)) where.push(`c.attributes -> ${param(name)} = ${param(JSON.stringify(value))}::jsonb`);
  return where.join(' and ');
}

function toJobRow(raw: RawJob): EnrolmentJobRow {
  return {
    id: raw.id,
    journeyId: raw.journey_id,
    versionNumber: raw.version_number,
    filter: raw.filter,
    variables: raw.variables,
    status: raw.status,
    maxCustomerId: raw.max_customer_id,
    total: raw.total,
    cursor: raw.cursor,
    enrolled: raw.enrolled,
    skipped: raw.skipped,
    failed: raw.failed,
    failures: raw.failures,
    error: raw.error,
    createdByKeyId: raw.created_by_key_id,
    createdByName: raw.created_by_name,
    createdAt: raw.created_at,
    startedAt: raw.started_at,
    finishedAt: raw.finished_at,
  };
}
