import { get } from '../../api/api-client';
import type { JourneyVersion } from '../../api/types';
import { apiQuery, dailyApiQuery, type KpiFilters } from './kpi-query';
import type { JourneyDailyKpis, JourneyKpis } from './kpi-types';

export interface KpiData {
  /** Every variant (for the variant list and the A/B comparison). */
  all: JourneyKpis;
  /** Of the chosen variant, or `all` without one. */
  selected: JourneyKpis;
  /** An error of its own (e.g. a range longer than the daily report allows) spoils only the chart. */
  daily: JourneyDailyKpis | Error;
}

/** The KPIs for these filters, each report fetched once and in parallel. */
export async function loadKpis(journeyId: string, filters: KpiFilters): Promise<KpiData> {
  const base = `/journeys/${encodeURIComponent(journeyId)}/kpis`;
  const [all, selected, daily] = await Promise.all([
    get<JourneyKpis>(`${base}${apiQuery(filters, false)}`),
    filters.variant ? get<JourneyKpis>(`${base}${apiQuery(filters, true)}`) : undefined,
    get<JourneyDailyKpis>(`${base}/daily${dailyApiQuery(filters)}`).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
  ]);
  return { all, selected: selected ?? all, daily };
}

/** The diagram of a version, as the analyst saved it. */
export async function loadDiagram(journeyId: string, version: number): Promise<string> {
  return (await get<JourneyVersion>(`/journeys/${encodeURIComponent(journeyId)}/versions/${version}`)).bpmnXml;
}
