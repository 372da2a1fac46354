import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Which instances a report covers, and what counts as conversion. */
export interface KpiReportQuery {
  readonly journeyId: string;
  readonly journeyVersion: number;
  /** Instances started at or after this time. */
  readonly from?: Date;
  /** Instances started before this time. */
  readonly to?: Date;
  /** Only instances of this A/B variant. */
  readonly variant?: string;
  /** Elements whose rows mean the instance reached the goal. */
  readonly goalElementIds: readonly string[];
  /** Whether the goal elements count when entered (an end event) or only when completed (a message catch). */
  readonly goalOnEntry: boolean;
  /** Group by the UTC day the instances started; otherwise one bucket. */
  readonly daily: boolean;
}

/** One bucket (day, or everything) of one variant, or of all variants when `variant` is undefined. */
interface Bucketed {
  /** Start of the UTC day; null when not daily. */
  readonly day: Date | null;
  /** undefined: every variant together; null: instances without a variant. */
  readonly variant: string | null | undefined;
}

export interface InstanceCounts extends Bucketed {
  readonly started: number;
  readonly completed: number;
  readonly terminated: number;
  readonly converted: number;
}

export interface ElementCounts extends Bucketed {
  readonly elementId: string;
  readonly elementType: string;
  readonly entered: number;
  readonly completed: number;
  readonly dropped: number;
  /** Milliseconds, over the element instances with both a start and an end; null without any. */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly timed: number;
}

export interface KpiReportRows {
  readonly instances: InstanceCounts[];
  readonly elements: ElementCounts[];
}

/**
 * The instances of the report (its cohort): those of the journey version whose first row is in
 * [from, to), of the variant if one is asked for. An instance's variant is the latest `variant`
 * its rows saw; it has ended when it has a process row (end listener, or exit from the engine).
 */
const COHORT = `
with instances as (
  select process_instance_key as pik,
         min(occurred_at) as started_at,
         (array_agg(variant order by occurred_at desc) filter (where variant is not null))[1] as variant,
         bool_or(element_instance_key = process_instance_key and phase = 'end') as completed,
         bool_or(element_instance_key = process_instance_key and phase = 'terminated') as terminated,
         bool_or(element_instance_key <> process_instance_key and element_id = any($6::text[]) and (phase = 'end' or ($7::boolean and phase = 'start'))) as converted
    from travesia.kpi_event
   where journey_id = $1 and journey_version = $2
   group by process_instance_key
), cohort as (
  select pik, variant, completed, terminated and not completed as terminated, converted, completed or terminated as ended,
         case when $8::boolean then date_trunc('day', started_at, 'UTC') end as day
    from instances
   where ($3::timestamptz is null or started_at >= $3) and ($4::timestamptz is null or started_at < $4) and ($5::text is null or variant = $5)
)`;

const INSTANCE_COUNTS = `${COHORT}
select day, variant, grouping(variant) = 1 as all_variants, count(*) as started, count(*) filter (where completed) as completed,
       count(*) filter (where terminated) as terminated, count(*) filter (where converted) as converted
  from cohort
 group by grouping sets ((day), (day, variant))`;

/**
 * Per element instance of the cohort: completed when it has an end row, or when the element has
 * only a start listener (it is left as it is entered); dropped when not completed and either the
 * engine recorded its termination or its instance has ended; its time is end − start.
 */
const ELEMENT_COUNTS = `${COHORT}, element_instances as (
  select e.element_id, e.element_instance_key, c.day, c.variant, c.ended,
         min(e.element_type) as element_type,
         bool_or(e.phase = 'end' or e.listened = 'start') as completed,
         bool_or(e.phase = 'terminated') as terminated,
         (extract(epoch from min(e.occurred_at) filter (where e.phase = 'end') - min(e.occurred_at) filter (where e.phase = 'start')) * 1000)::float8 as duration_ms
    from travesia.kpi_event e
    join cohort c on c.pik = e.process_instance_key
   where e.journey_id = $1 and e.journey_version = $2 and e.element_instance_key <> e.process_instance_key
   group by e.element_id, e.element_instance_key, c.day, c.variant, c.ended
)
select day, variant, grouping(variant) = 1 as all_variants, element_id, min(element_type) as element_type,
       count(*) as entered,
       count(*) filter (where completed) as completed,
       count(*) filter (where not completed and (terminated or ended)) as dropped,
       percentile_cont(0.5) within group (order by duration_ms) as p50,
       percentile_cont(0.95) within group (order by duration_ms) as p95,
       count(duration_ms) as timed
  from element_instances
 group by grouping sets ((day, element_id), (day, variant, element_id))`;

interface BucketRow {
  day: Date | null;
  variant: string | null;
  all_variants: boolean;
}

/** KPI aggregates over `travesia.kpi_event`, computed by PostgreSQL (percentiles with percentile_cont). */
@Injectable()
export class KpiReportRepository {
  constructor(private readonly dataSource: DataSource) {}

  async report(query: KpiReportQuery): Promise<KpiReportRows> {
    const params = [
      query.journeyId,
      query.journeyVersion,
      query.from ?? null,
      query.to ?? null,
      query.variant ?? null,
      [...query.goalElementIds],
      query.goalOnEntry,
      query.daily,
    ];
    const [instances, elements] = await Promise.all([
      this.dataSource.query(INSTANCE_COUNTS, params) as Promise<(BucketRow & Record<'started' | 'completed' | 'terminated' | 'converted', string>)[]>,
      this.dataSource.query(ELEMENT_COUNTS, params) as Promise<
        (BucketRow & { element_id: string; element_type: string; entered: string; completed: string; dropped: string; p50: number | null; p95: number | null; timed: string })[]
      >,
    ]);
    return {
      instances: instances.map((row) => ({
        ...bucketOf(row),
        started: Number(row.started),
        completed: Number(row.completed),
        terminated: Number(row.terminated),
        converted: Number(row.converted),
      })),
      elements: elements.map((row) => ({
        ...bucketOf(row),
        elementId: row.element_id,
        elementType: row.element_type,
        entered: Number(row.entered),
        completed: Number(row.completed),
        dropped: Number(row.dropped),
        p50Ms: row.p50 === null ? null : Number(row.p50),
        p95Ms: row.p95 === null ? null : Number(row.p95),
        timed: Number(row.timed),
      })),
    };
  }
}

function bucketOf(row: BucketRow): Bucketed {
  return { day: row.day, variant: row.all_variants ? undefined : row.variant };
}
