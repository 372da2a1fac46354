import { query } from '../../api/api-client';

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * What the KPI screen shows: a version, a range of UTC days (both ends included, as a reader
 * picks them; the API's `to` is exclusive) and an A/B variant. Empty strings: no filter.
 */
export interface KpiFilters {
  version: number | null;
  from: string;
  to: string;
  variant: string;
}

/** The filters a link carries (`?version=2&from=2025-03-01&to=2025-03-31&variant=A`). */
export function filtersFromQuery(params: URLSearchParams, defaultVersion: number | null): KpiFilters {
  const version = Number(params.get('version'));
  return {
    version: Number.isInteger(version) && version > 0 ? version : defaultVersion,
    from: dateOrEmpty(params.get('from')),
    to: dateOrEmpty(params.get('to')),
    variant: params.get('variant') ?? '',
  };
}

/** The API's query for these filters; `withVariant: false` covers every variant (for the A/B comparison). */
export function apiQuery(filters: KpiFilters, withVariant: boolean): string {
  return query({
    version: filters.version,
    from: filters.from,
    to: filters.to ? dayAfter(filters.to) : undefined,
    variant: withVariant ? filters.variant : undefined,
  });
}

/**
 * The daily report's query: as {@link apiQuery}, but a range starting after today with no end
 * ends on its first day (the API would end it now, before it starts).
 */
export function dailyApiQuery(filters: KpiFilters, today = new Date().toISOString().slice(0, 10)): string {
  return apiQuery({ ...filters, to: filters.to || (filters.from > today ? filters.from : '') }, true);
}

/** The screen's own address for these filters and measure, so that a link or a reload shows the same. */
export function screenPath(journeyId: string, filters: KpiFilters, measure: string): string {
  return `/journeys/${encodeURIComponent(journeyId)}/kpis${query({ ...filters, measure })}`;
}

/** A message for a range that cannot be asked for, or null. */
export function rangeProblem(filters: KpiFilters): string | null {
  if (filters.from && filters.to && filters.from > filters.to) return `The range must end on or after its first day: from ${filters.from}, to ${filters.to}.`;
  return null;
}

function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

function dateOrEmpty(value: string | null): string {
  return value && DATE.test(value) && Number.isFinite(Date.parse(value)) ? value : '';
}
