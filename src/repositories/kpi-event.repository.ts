import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Listened } from './journey-model.repository';

/** One KPI listener job, as the KPI worker saw it. */
export interface NewKpiEvent {
  readonly elementInstanceKey: string;
  readonly processInstanceKey: string;
  readonly jobKey: string;
  readonly journeyId: string;
  readonly journeyVersion: number;
  readonly bpmnProcessId: string;
  readonly processDefinitionVersion: number;
  readonly processDefinitionKey: string;
  readonly elementId: string;
  readonly elementType: string;
  /** Which listeners the element has; with `both`, the phase is decided on insert. */
  readonly listened: Listened;
  readonly customerId: string | null;
  readonly variant: string | null;
  readonly occurredAt: Date;
  /** The event-based gateway this element's start leaves: its open element instance gets an end row. */
  readonly leavesGateway?: string;
}

/** An element instance (or a process instance: both keys equal) not known to have been left. */
export interface OpenElementInstance {
  readonly elementInstanceKey: string;
  readonly processInstanceKey: string;
}

/** The rows {@link KpiEventRepository.unsettled} looks at: a journey version's, or some instances'. */
export type KpiEventScope = { readonly journeyId: string; readonly journeyVersion: number } | { readonly processInstanceKeys: readonly string[] };

/** How an element instance (or, with `process`, a whole instance) was left, as the engine recorded it. */
export interface ElementExit {
  readonly elementInstanceKey: string;
  readonly processInstanceKey: string;
  /** The process itself: elementInstanceKey = processInstanceKey. */
  readonly process: boolean;
  readonly state: 'completed' | 'terminated';
  readonly at: Date;
}

/** Rows per INSERT: bounds the statement's size; a busier worker just runs more of them. */
const MAX_BATCH = 500;

/**
 * The phase of a `both` element: `end` when the element instance already has a start row written
 * for another job — its start listener job, which the engine completed before it created the end
 * listener job — and `start` otherwise, redeliveries of the start job included. Duplicates (a job
 * delivered twice, even within one batch) are dropped by the primary key.
 */
const INSERT_EVENTS = `
insert into travesia.kpi_event (element_instance_key, phase, process_instance_key, journey_id, journey_version, bpmn_process_id,
  process_definition_version, process_definition_key, element_id, element_type, listened, job_key, customer_id, variant, occurred_at)
select i.eik,
       case when i.listened <> 'both' then i.listened
            when exists (select 1 from travesia.kpi_event e where e.element_instance_key = i.eik and e.phase = 'start' and e.job_key is distinct from i.job_key) then 'end'
            else 'start' end,
       i.pik, i.journey_id, i.journey_version, i.bpmn_process_id, i.pdv, i.pdk, i.element_id, i.element_type, i.listened, i.job_key, i.customer_id, i.variant, i.occurred_at
  from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::uuid[], $5::int[], $6::text[], $7::int[], $8::bigint[], $9::text[], $10::text[], $11::text[],
              $12::text[], $13::text[], $14::timestamptz[])
    as i(eik, pik, job_key, journey_id, journey_version, bpmn_process_id, pdv, pdk, element_id, element_type, listened, customer_id, variant, occurred_at)
on conflict (element_instance_key, phase) do nothing`;

/**
 * The end of an event-based gateway, written when one of its events starts: the gateway's latest
 * element instance in that process instance still without an end gets one, at the event's time
 * (a redelivered job, or the event's end job, finds it ended and adds nothing).
 */
const INSERT_GATEWAY_EXITS = `
insert into travesia.kpi_event (element_instance_key, phase, process_instance_key, journey_id, journey_version, bpmn_process_id,
  process_definition_version, process_definition_key, element_id, element_type, listened, job_key, customer_id, variant, occurred_at)
select g.element_instance_key, 'end', g.process_instance_key, g.journey_id, g.journey_version, g.bpmn_process_id,
       g.process_definition_version, g.process_definition_key, g.element_id, g.element_type, g.listened, null, g.customer_id, g.variant, x.at
  from unnest($1::bigint[], $2::text[], $3::timestamptz[]) as x(pik, gateway_id, at)
  join lateral (
    select * from travesia.kpi_event s
     where s.process_instance_key = x.pik and s.element_id = x.gateway_id and s.phase = 'start' and s.occurred_at <= x.at
       and not exists (select 1 from travesia.kpi_event e where e.element_instance_key = s.element_instance_key and e.phase in ('end', 'terminated'))
     order by s.occurred_at desc limit 1
  ) g on true
on conflict (element_instance_key, phase) do nothing`;

/** Exits of element instances: a `terminated` row copied from the element instance's start row. */
const INSERT_ELEMENT_EXITS = `
insert into travesia.kpi_event (element_instance_key, phase, process_instance_key, journey_id, journey_version, bpmn_process_id,
  process_definition_version, process_definition_key, element_id, element_type, listened, job_key, customer_id, variant, occurred_at)
select s.element_instance_key, 'terminated', s.process_instance_key, s.journey_id, s.journey_version, s.bpmn_process_id,
       s.process_definition_version, s.process_definition_key, s.element_id, s.element_type, s.listened, null, s.customer_id, s.variant, x.at
  from unnest($1::bigint[], $2::timestamptz[]) as x(eik, at)
  join travesia.kpi_event s on s.element_instance_key = x.eik and s.phase = 'start'
on conflict (element_instance_key, phase) do nothing`;

/** Ends of process instances no end listener reported: a process row copied from any row of the instance. */
const INSERT_INSTANCE_EXITS = `
insert into travesia.kpi_event (element_instance_key, phase, process_instance_key, journey_id, journey_version, bpmn_process_id,
  process_definition_version, process_definition_key, element_id, element_type, listened, job_key, customer_id, variant, occurred_at)
select x.pik, x.phase, x.pik, s.journey_id, s.journey_version, s.bpmn_process_id,
       s.process_definition_version, s.process_definition_key, s.bpmn_process_id, 'bpmn:Process', 'end', null, s.customer_id, s.variant, x.at
  from unnest($1::bigint[], $2::text[], $3::timestamptz[]) as x(pik, phase, at)
  join lateral (select * from travesia.kpi_event s where s.process_instance_key = x.pik limit 1) s on true
on conflict (element_instance_key, phase) do nothing`;

interface Pending {
  readonly event: NewKpiEvent;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Writes what the KPI listeners report (`travesia.kpi_event`). Listener jobs come for every
 * element of every instance, so their rows are group-committed: an event waits at most for the
 * INSERT in flight, and everything that arrived meanwhile goes into the next one.
 */
@Injectable()
export class KpiEventRepository {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /** Resolves once the event is committed (or was a duplicate); rejects when its batch failed. */
  append(event: NewKpiEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /**
   * What the rows leave open, for the engine to settle (see {@link recordExits}): the instances
   * without a process row (as candidates whose element instance key is the process instance
   * key), and in them the element instances with a start and neither an end nor an exit (only
   * elements with both listeners can be left open). Of a journey version, or of given instances.
   */
  async unsettled(scope: KpiEventScope): Promise<OpenElementInstance[]> {
    const [where, params] =
      'journeyId' in scope
        ? ['journey_id = $1 and journey_version = $2', [scope.journeyId, scope.journeyVersion]]
        : ['process_instance_key = any($1::bigint[])', [[...scope.processInstanceKeys]]];
    const rows: { eik: string; pik: string }[] = await this.dataSource.query(
      `with scoped as (
         select * from travesia.kpi_event where ${where}
       ), unended as (
         select distinct s.process_instance_key as pik from scoped s
          where not exists (select 1 from travesia.kpi_event p where p.element_instance_key = s.process_instance_key and p.phase in ('end', 'terminated'))
       )
       select pik::text as eik, pik::text as pik from unended
       union all
       select s.element_instance_key::text, s.process_instance_key::text from scoped s join unended u on u.pik = s.process_instance_key
        where s.phase = 'start' and s.listened = 'both'
          and not exists (select 1 from travesia.kpi_event x where x.element_instance_key = s.element_instance_key and x.phase in ('end', 'terminated'))`,
      params,
    );
    return rows.map((row) => ({ elementInstanceKey: row.eik, processInstanceKey: row.pik }));
  }

  /** Records exits the listeners could not report; idempotent. Completions of elements are ignored: their end listener reports them. */
  async recordExits(exits: readonly ElementExit[]): Promise<void> {
    const elements = exits.filter((exit) => !exit.process && exit.state === 'terminated');
    const instances = exits.filter((exit) => exit.process);
    if (elements.length > 0) {
      await this.dataSource.query(INSERT_ELEMENT_EXITS, [elements.map((exit) => exit.elementInstanceKey), elements.map((exit) => exit.at)]);
    }
    if (instances.length > 0) {
      await this.dataSource.query(INSERT_INSTANCE_EXITS, [
        instances.map((exit) => exit.processInstanceKey),
        instances.map((exit) => (exit.state === 'completed' ? 'end' : 'terminated')),
        instances.map((exit) => exit.at),
      ]);
    }
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_BATCH);
        try {
          await this.insert(batch.map((pending) => pending.event));
          for (const pending of batch) pending.resolve();
        } catch (error) {
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async insert(events: readonly NewKpiEvent[]): Promise<void> {
    const column = <T>(pick: (event: NewKpiEvent) => T) => events.map(pick);
    await this.dataSource.query(INSERT_EVENTS, [
      column((e) => e.elementInstanceKey),
      column((e) => e.processInstanceKey),
      column((e) => e.jobKey),
      column((e) => e.journeyId),
      column((e) => e.journeyVersion),
      column((e) => e.bpmnProcessId),
      column((e) => e.processDefinitionVersion),
      column((e) => e.processDefinitionKey),
      column((e) => e.elementId),
      column((e) => e.elementType),
      column((e) => e.listened),
      column((e) => e.customerId),
      column((e) => e.variant),
      column((e) => e.occurredAt),
    ]);
    const leaving = events.filter((e) => e.leavesGateway !== undefined);
    if (leaving.length > 0) {
      await this.dataSource.query(INSERT_GATEWAY_EXITS, [
        leaving.map((e) => e.processInstanceKey),
        leaving.map((e) => e.leavesGateway),
        leaving.map((e) => e.occurredAt),
      ]);
    }
  }
}
