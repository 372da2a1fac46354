import { Injectable, NotFoundException } from '@nestjs/common';
import {
  type DailyKpiDto,
  type ElementKpiDto,
  type ElementMeta,
  instantMillis,
  type JourneyDailyKpisDto,
  type JourneyKpisDto,
  type KpiQueryDto,
  mapElementKpi,
  mapInstanceKpi,
  type VariantKpiDto,
} from '../dtos';
import type { JourneyEntity } from '../entities/journey.entity';
import { ValidationFailedException } from '../middleware/validation.pipe';
import { type ElementCounts, JourneyModelRepository, JourneyRepository, type KpiReportRows, KpiReportRepository, zeebeElementType } from '../repositories';
import { KpiExitsService } from './kpi-exits.service';

const DAY_MS = 86_400_000;
/** Days a daily report covers when `from` is not given (today included). */
const DEFAULT_DAILY_DAYS = 30;
const MAX_DAILY_DAYS = 366;

/** What one report covers: the journey version, the time range and variant, and what conversion is. */
interface KpiScope {
  readonly journey: JourneyEntity;
  readonly version: number | null;
  readonly from?: Date;
  readonly to?: Date;
  readonly variant?: string;
  readonly goalElementIds: string[];
  readonly goalOnEntry: boolean;
  /** The goal can be counted: the journey has one and the deployed diagram has its element(s). */
  readonly hasGoal: boolean;
  /** The elements with KPI listeners, in diagram order. */
  readonly elements: ElementMeta[];
}

/**
 * KPIs of a journey version, from the KPI listeners' rows. The covered instances (the cohort)
 * are those started (first row) in [from, to), of the variant if one is asked for; every count
 * is about them, as of now:
 * - entered: their element instances of the element; completed: those with an end (or, for an
 *   element with only a start listener, entered); dropped: not completed, and terminated or in
 *   an instance that has ended; in flight: entered − completed − dropped;
 * - time in activity: percentiles of end − start over element instances with both;
 * - conversion: instances with a row of a goal element (entering the goal end event, or
 *   completing an element catching the goal message) ÷ instances started.
 * Terminations are settled from the engine's records first (KpiExitsService).
 */
@Injectable()
export class KpiService {
  constructor(
    private readonly journeys: JourneyRepository,
    private readonly models: JourneyModelRepository,
    private readonly reports: KpiReportRepository,
    private readonly exits: KpiExitsService,
  ) {}

  async kpis(journeyId: string, query: KpiQueryDto): Promise<JourneyKpisDto> {
    const from = query.from === undefined ? undefined : new Date(instantMillis(query.from));
    const to = query.to === undefined ? undefined : new Date(instantMillis(query.to));
    assertRange(from, to);
    const scope = await this.scope(journeyId, query, from, to);
    const rows = await this.rows(scope, false);
    const variants = [...new Set(rows.instances.filter((row) => row.variant !== undefined).map((row) => row.variant as string | null))].sort(byVariant);
    return {
      ...scopeOf(scope),
      instances: mapInstanceKpi(rows.instances.find((row) => row.variant === undefined), scope.hasGoal),
      elements: elementKpis(scope, rows.elements.filter((row) => row.variant === undefined)),
      variants: variants.map(
        (variant): VariantKpiDto => ({
          variant,
          instances: mapInstanceKpi(rows.instances.find((row) => row.variant === variant), scope.hasGoal),
          elements: elementKpis(scope, rows.elements.filter((row) => row.variant === variant)),
        }),
      ),
    };
  }

  /** Per UTC day the instances started; by default the last 30 days, today included. */
  async daily(journeyId: string, query: KpiQueryDto): Promise<JourneyDailyKpisDto> {
    const to = query.to === undefined ? new Date() : new Date(instantMillis(query.to));
    const from = query.from === undefined ? new Date(startOfUtcDay(to.getTime()) - (DEFAULT_DAILY_DAYS - 1) * DAY_MS) : new Date(instantMillis(query.from));
    assertRange(from, to);
    if (to.getTime() - from.getTime() > MAX_DAILY_DAYS * DAY_MS) {
      throw new ValidationFailedException([{ field: 'from', messages: [`from and to must be at most ${MAX_DAILY_DAYS} days apart for daily KPIs`] }]);
    }
    const scope = await this.scope(journeyId, query, from, to);
    const rows = await this.rows(scope, true);
    const days: DailyKpiDto[] = [];
    for (let day = startOfUtcDay(from.getTime()); day < to.getTime(); day += DAY_MS) {
      const inDay = (row: { day: Date | null; variant: string | null | undefined }) => row.variant === undefined && row.day?.getTime() === day;
      days.push({
        day: new Date(day).toISOString().slice(0, 10),
        instances: mapInstanceKpi(rows.instances.find(inDay), scope.hasGoal),
        elements: elementKpis(scope, rows.elements.filter(inDay)),
      });
    }
    return { ...scopeOf(scope), days };
  }

  private async scope(journeyId: string, query: KpiQueryDto, from: Date | undefined, to: Date | undefined): Promise<KpiScope> {
    const journey = await this.journeys.find(journeyId);
    if (!journey) throw new NotFoundException(`Expected the id of a journey, found no journey ${journeyId}`);
    if (query.version !== undefined && !(await this.journeys.findVersion(journeyId, query.version))) {
      throw new NotFoundException(
        `Expected a version of journey ${journeyId} (${journey.latestVersion ? `1 to ${journey.latestVersion}` : 'it has none yet'}), found no version ${query.version}`,
      );
    }
    const version = query.version ?? journey.liveVersion;
    const model = version === null ? null : await this.models.latestModel(journeyId, version);
    const elements = (model?.listeners ?? [])
      .filter((listened) => listened.elementType !== 'bpmn:Process')
      .map((listened) => ({
        elementId: listened.elementId,
        elementName: model?.elements.get(listened.elementId)?.name ?? null,
        elementType: zeebeElementType(listened.elementType),
      }));
    let goalElementIds: string[] = [];
    let goalOnEntry = false;
    if (journey.goal?.type === 'end_event') {
      goalElementIds = [journey.goal.endEventId];
      goalOnEntry = true;
    } else if (journey.goal?.type === 'message') {
      const name = journey.goal.messageName;
      goalElementIds = [...(model?.elements.values() ?? [])].filter((element) => element.messageName === name).map((element) => element.id);
    }
    const hasGoal = goalElementIds.some((id) => model?.elements.has(id));
    return { journey, version, from, to, variant: query.variant, goalElementIds, goalOnEntry, hasGoal, elements };
  }

  private async rows(scope: KpiScope, daily: boolean): Promise<KpiReportRows> {
    if (scope.version === null) return { instances: [], elements: [] };
    await this.exits.settle({ journeyId: scope.journey.id, journeyVersion: scope.version });
    return this.reports.report({
      journeyId: scope.journey.id,
      journeyVersion: scope.version,
      from: scope.from,
      to: scope.to,
      variant: scope.variant,
      goalElementIds: scope.goalElementIds,
      goalOnEntry: scope.goalOnEntry,
      daily,
    });
  }
}

function scopeOf(scope: KpiScope) {
  const goal = scope.journey.goal;
  return {
    journeyId: scope.journey.id,
    processId: scope.journey.processId,
    version: scope.version,
    from: scope.from?.toISOString() ?? null,
    to: scope.to?.toISOString() ?? null,
    variant: scope.variant ?? null,
    goal: goal ? (goal.type === 'end_event' ? { type: goal.type, endEventId: goal.endEventId } : { type: goal.type, messageName: goal.messageName }) : null,
    goalElementIds: scope.goalElementIds,
  };
}

/** The scope's elements in diagram order, zeros included, then any other element the rows have. */
function elementKpis(scope: KpiScope, rows: readonly ElementCounts[]): ElementKpiDto[] {
  const byElement = new Map(rows.map((row) => [row.elementId, row]));
  const known = new Set(scope.elements.map((element) => element.elementId));
  const others = rows
    .filter((row) => !known.has(row.elementId))
    .map((row) => ({ elementId: row.elementId, elementName: null, elementType: zeebeElementType(row.elementType) }))
    .sort((a, b) => a.elementId.localeCompare(b.elementId));
  return [...scope.elements, ...others].map((meta) => mapElementKpi(meta, byElement.get(meta.elementId)));
}

function assertRange(from: Date | undefined, to: Date | undefined): void {
  if (from && to && from.getTime() >= to.getTime()) {
    throw new ValidationFailedException([{ field: 'to', messages: [`to must be after from, got from ${from.toISOString()} and to ${to.toISOString()}`] }]);
  }
}

function startOfUtcDay(millis: number): number {
  return Math.floor(millis / DAY_MS) * DAY_MS;
}

/** Variants by name, instances without one last. */
function byVariant(a: string | null, b: string | null): number {
  if (a === null) return b === null ? 0 : 1;
  if (b === null) return -1;
  return a.localeCompare(b);
}
