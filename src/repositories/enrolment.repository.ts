import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EnrolmentRow, EnrolmentSource, EnrolmentStatus } from '../dtos';
import type { InstanceEnd } from './instance-state.repository';
import { returningRows } from './returning-rows';

/** An enrolment about to be started (written `pending`). */
export interface NewEnrolment {
  readonly journeyId: string;
  readonly versionNumber: number;
  readonly processDefinitionKey: string;
  /** Travesía's id of the customer (customer.id). */
  readonly customerId: string;
  /** One open enrolment per customer and journey at most (re-entry `never` or `after_exit`). */
  readonly exclusive: boolean;
  readonly idempotencyKey: string | null;
  readonly source: EnrolmentSource;
  readonly jobId: string | null;
  readonly enrolledByKeyId: string;
  readonly enrolledByName: string;
}

export interface EnrolmentFilter {
  readonly journeyId: string;
  readonly status?: EnrolmentStatus;
  readonly customerExternalId?: string;
  /** Where the previous page ended: (created_at in epoch microseconds, id). */
  readonly before?: { readonly createdAtMicros: string; readonly id: string };
  readonly limit: number;
}

export type InsertOutcome = { readonly status: 'inserted'; readonly enrolment: EnrolmentRow } | { readonly status: 'conflict' | 'customer-gone' };

const FOREIGN_KEY_VIOLATION = '23503';

export interface KeyRef {
  readonly keyId: string;
  readonly name: string;
}

const COLUMNS = `
  e.id, e.journey_id, j.process_id, e.version_number, e.process_definition_key::text as process_definition_key,
  e.customer_id::text as customer_id, c.external_id, e.status, e.exclusive, e.process_instance_key::text as process_instance_key,
  e.idempotency_key, e.source, e.job_id, e.enrolled_by_key_id, e.enrolled_by_name, e.created_at,
  (extract(epoch from e.created_at) * 1000000)::bigint::text as created_at_micros, e.started_at, e.ended_at,
  e.cancelled_by_key_id, e.cancelled_by_name, e.error`;
const FROM = `travesia.enrolment e join travesia.journey j on j.id = e.journey_id join travesia.customer c on c.id = e.customer_id`;

interface RawEnrolment {
  id: string;
  journey_id: string;
  process_id: string;
  version_number: number;
  process_definition_key: string;
  customer_id: string;
  external_id: string;
  status: EnrolmentStatus;
  exclusive: boolean;
  process_instance_key: string | null;
  idempotency_key: string | null;
  source: EnrolmentSource;
  job_id: string | null;
  enrolled_by_key_id: string;
  enrolled_by_name: string;
  created_at: Date;
  created_at_micros: string;
  started_at: Date | null;
  ended_at: Date | null;
  cancelled_by_key_id: string | null;
  cancelled_by_name: string | null;
  error: string | null;
}

/**
 * Enrolments (schema `travesia`, table `enrolment`): who was enrolled into which journey
 * version, with which process instance, and how that instance is doing as far as Travesía knows.
 * Status changes are guarded by the status they leave, so concurrent writers (a request, the
 * tracker, a cancel) never move an enrolment backwards.
 */
@Injectable()
export class EnrolmentRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(id: string): Promise<EnrolmentRow | null> {
    return this.one(`select ${COLUMNS} from ${FROM} where e.id = $1`, [id]);
  }

  /** The newest open (pending or active) enrolment of the customer in the journey. */
  findOpen(journeyId: string, customerId: string): Promise<EnrolmentRow | null> {
    return this.one(
      `select ${COLUMNS} from ${FROM} where e.journey_id = $1 and e.customer_id = $2 and e.status in ('pending', 'active') order by e.created_at desc limit 1`,
      [journeyId, customerId],
    );
  }

  /** The enrolment a client's Idempotency-Key names in the journey (failed ones do not count). */
  findByIdempotencyKey(journeyId: string, idempotencyKey: string): Promise<EnrolmentRow | null> {
    return this.one(`select ${COLUMNS} from ${FROM} where e.journey_id = $1 and e.idempotency_key = $2 and e.status <> 'failed'`, [journeyId, idempotencyKey]);
  }

  /** Whether the customer ever had an instance of the journey (or one is being started). */
  async wasEnrolled(journeyId: string, customerId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `select 1 from travesia.enrolment where journey_id = $1 and customer_id = $2 and status <> 'failed' limit 1`,
      [journeyId, customerId],
    );
    return rows.length > 0;
  }

  /**
   * Writes the enrolment as `pending`, unless a unique index says the customer has an open
   * enrolment in the journey already (exclusive ones), or the Idempotency-Key is taken
   * (`conflict`), or the customer was erased meanwhile (`customer-gone`).
   */
  async insertPending(enrolment: NewEnrolment): Promise<InsertOutcome> {
    let inserted: { id: string }[];
    try {
      inserted = await this.dataSource.query(
        `insert into travesia.enrolment (journey_id, version_number, process_definition_key, customer_id, status, exclusive, idempotency_key, source,
                                         job_id, enrolled_by_key_id, enrolled_by_name)
         values ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $10)
         on conflict do nothing returning id`,
        [
          enrolment.journeyId,
          enrolment.versionNumber,
          enrolment.processDefinitionKey,
          enrolment.customerId,
          enrolment.exclusive,
          enrolment.idempotencyKey,
          enrolment.source,
          enrolment.jobId,
          enrolment.enrolledByKeyId,
          enrolment.enrolledByName,
        ],
      );
    } catch (error) {
      if (driverCode(error) === FOREIGN_KEY_VIOLATION) return { status: 'customer-gone' };
      throw error;
    }
    if (inserted.length === 0) return { status: 'conflict' };
    // Gone already: the customer was erased, which deletes their enrolments.
    const row = await this.find(inserted[0].id);
    return row ? { status: 'inserted', enrolment: row } : { status: 'customer-gone' };
  }

  /** pending → active, with the instance the engine started. Null when it was not pending any more (e.g. the customer was erased). */
  markActive(id: string, processInstanceKey: string, processDefinitionKey: string): Promise<EnrolmentRow | null> {
    return this.change(
      `update travesia.enrolment set status = 'active', process_instance_key = $2, process_definition_key = $3, started_at = now(), error = null
        where id = $1 and status = 'pending' returning id`,
      [id, processInstanceKey, processDefinitionKey],
    );
  }

  /** pending → failed: the engine did not start the instance. */
  markFailed(id: string, error: string): Promise<EnrolmentRow | null> {
    return this.change(`update travesia.enrolment set status = 'failed', error = $2 where id = $1 and status = 'pending' returning id`, [id, error]);
  }

  /** active → completed or terminated, for the instances that ended; returns the enrolments changed. */
  async markEnded(ends: readonly InstanceEnd[]): Promise<EnrolmentRow[]> {
    if (ends.length === 0) return [];
    const changed = returningRows<{ id: string }>(
      await this.dataSource.query(
        `update travesia.enrolment e set status = u.outcome, ended_at = coalesce(u.ended_at, now()), checked_at = now()
         from unnest($1::bigint[], $2::text[], $3::timestamptz[]) as u(process_instance_key, outcome, ended_at)
        where e.process_instance_key = u.process_instance_key and e.status = 'active'
        returning e.id`,
        [ends.map((end) => end.processInstanceKey), ends.map((end) => end.outcome), ends.map((end) => end.endedAt)],
      ),
    );
    return this.findMany(changed.map((row) => row.id));
  }

  /** active → terminated, cancelled through Travesía by `by`; null when it was not active. */
  markCancelled(id: string, by: KeyRef): Promise<EnrolmentRow | null> {
    return this.change(
      `update travesia.enrolment set status = 'terminated', ended_at = now(), checked_at = now(), cancelled_by_key_id = $2, cancelled_by_name = $3
        where id = $1 and status = 'active' returning id`,
      [id, by.keyId, by.name],
    );
  }

  /** Like {@link markCancelled}, for the enrolment that started this instance, if any. */
  markInstanceCancelled(processInstanceKey: string, by: KeyRef): Promise<EnrolmentRow | null> {
    return this.change(
      `update travesia.enrolment set status = 'terminated', ended_at = now(), checked_at = now(), cancelled_by_key_id = $2, cancelled_by_name = $3
        where process_instance_key = $1 and status = 'active' returning id`,
      [processInstanceKey, by.keyId, by.name],
    );
  }

  /** A page of a journey's enrolments, newest first; one row more than `limit` tells that a next page exists. */
  list(filter: EnrolmentFilter): Promise<EnrolmentRow[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where = [`e.journey_id = ${param(filter.journeyId)}`];
    if (filter.status) where.push(`e.status = ${param(filter.status)}`);
    if (filter.customerExternalId) where.push(`c.external_id = ${param(filter.customerExternalId)}`);
    if (filter.before) {
      where.push(
        `(e.created_at, e.id) < (timestamptz 'epoch' + ${param(filter.before.createdAtMicros)}::bigint * interval '1 microsecond', ${param(filter.before.id)}::uuid)`,
      );
    }
    return this.many(
      `select ${COLUMNS} from ${FROM} where ${where.join(' and ')} order by e.created_at desc, e.id desc limit ${param(filter.limit + 1)}`,
      params,
    );
  }

  /** Active enrolments, those checked longest ago (or never) first. */
  dueForCheck(limit: number): Promise<EnrolmentRow[]> {
    return this.many(`select ${COLUMNS} from ${FROM} where e.status = 'active' order by e.checked_at nulls first, e.id limit $1`, [limit]);
  }

  async markChecked(ids: readonly string[]): Promise<void> {
    if (ids.length) await this.dataSource.query(`update travesia.enrolment set checked_at = now() where id = any($1::uuid[])`, [ids]);
  }

  /**
   * pending → failed for enrolments pending since before `olderThan` that no call of this
   * process is waiting for: whoever started them stopped before the engine answered.
   */
  async failStalePending(olderThan: Date, inFlight: readonly string[], error: string): Promise<string[]> {
    const rows = returningRows<{ id: string }>(
      await this.dataSource.query(
        `update travesia.enrolment set status = 'failed', error = $3
          where status = 'pending' and created_at < $1 and not (id = any($2::uuid[])) returning id`,
        [olderThan, inFlight, error],
      ),
    );
    return rows.map((row) => row.id);
  }

  /** The enrolments that started these instances. */
  findByInstanceKeys(processInstanceKeys: readonly string[]): Promise<EnrolmentRow[]> {
    if (processInstanceKeys.length === 0) return Promise.resolve([]);
    return this.many(`select ${COLUMNS} from ${FROM} where e.process_instance_key = any($1::bigint[])`, [processInstanceKeys]);
  }

  /** Every enrolment of a customer, oldest first. */
  listForCustomer(externalId: string): Promise<EnrolmentRow[]> {
    return this.many(`select ${COLUMNS} from ${FROM} where c.external_id = $1 order by e.created_at, e.id`, [externalId]);
  }

  async deleteForCustomer(externalId: string): Promise<void> {
    await this.dataSource.query(`delete from travesia.enrolment where customer_id = (select id from travesia.customer where external_id = $1)`, [externalId]);
  }

  private async findMany(ids: readonly string[]): Promise<EnrolmentRow[]> {
    if (ids.length === 0) return [];
    return this.many(`select ${COLUMNS} from ${FROM} where e.id = any($1::uuid[])`, [ids]);
  }

  private async change(sql: string, params: unknown[]): Promise<EnrolmentRow | null> {
    const rows = returningRows<{ id: string }>(await this.dataSource.query(sql, params));
    return rows.length ? this.find(rows[0].id) : null;
  }

  private async one(sql: string, params: unknown[]): Promise<EnrolmentRow | null> {
    const rows = await this.many(sql, params);
    return rows[0] ?? null;
  }

  private async many(sql: string, params: unknown[]): Promise<EnrolmentRow[]> {
    const rows: RawEnrolment[] = await this.dataSource.query(sql, params);
    return rows.map(toEnrolmentRow);
  }
}

// TypeORM wraps driver errors in QueryFailedError, keeping the driver's code.
function driverCode(error: unknown): unknown {
  return (error as { driverError?: { code?: unknown }; code?: unknown } | null)?.driverError?.code ?? (error as { code?: unknown } | null)?.code;
}

function toEnrolmentRow(raw: RawEnrolment): EnrolmentRow {
  return {
    id: raw.id,
    journeyId: raw.journey_id,
    processId: raw.process_id,
    versionNumber: raw.version_number,
    processDefinitionKey: raw.process_definition_key,
    customerId: raw.customer_id,
    customerExternalId: raw.external_id,
    status: raw.status,
    exclusive: raw.exclusive,
    processInstanceKey: raw.process_instance_key,
    idempotencyKey: raw.idempotency_key,
    source: raw.source,
    jobId: raw.job_id,
    enrolledByKeyId: raw.enrolled_by_key_id,
    enrolledByName: raw.enrolled_by_name,
    createdAt: raw.created_at,
    createdAtMicros: raw.created_at_micros,
    startedAt: raw.started_at,
    endedAt: raw.ended_at,
    cancelledByKeyId: raw.cancelled_by_key_id,
    cancelledByName: raw.cancelled_by_name,
    error: raw.error,
  };
}
