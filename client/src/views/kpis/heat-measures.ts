import { formatDuration } from '../../ui/dom';
import { formatCount } from './kpi-format';
import type { ElementKpi } from './kpi-types';

export type HeatMeasureKey = 'entered' | 'inFlight' | 'dropped' | 'p50';

/** What the heatmap colours the elements by. */
export interface HeatMeasure {
  readonly key: HeatMeasureKey;
  readonly label: string;
  /** For the legend: what the colour says. */
  readonly description: string;
  /** null: nothing to measure (no element instance timed). */
  value(element: ElementKpi): number | null;
  format(value: number): string;
}

export const HEAT_MEASURES: readonly HeatMeasure[] = [
  { key: 'entered', label: 'Entered', description: 'customers who entered the element', value: (e) => e.entered, format: formatCount },
  { key: 'inFlight', label: 'In flight', description: 'customers there now', value: (e) => e.inFlight, format: formatCount },
  { key: 'dropped', label: 'Dropped', description: 'customers who left the journey there', value: (e) => e.dropped, format: formatCount },
  { key: 'p50', label: 'Time (p50)', description: 'median time spent in the element', value: (e) => e.timeInActivity?.p50Ms ?? null, format: formatDuration },
];

/** The measure of that key; entered for an unknown one. */
export function heatMeasure(key: string | null | undefined): HeatMeasure {
  return HEAT_MEASURES.find((measure) => measure.key === key) ?? HEAT_MEASURES[0];
}

/** Heat levels: 0 for nothing, then 1–4 for up to a quarter, half, three quarters and all of the highest value. */
export const HEAT_LEVELS = [0, 1, 2, 3, 4] as const;
export type HeatLevel = (typeof HEAT_LEVELS)[number];

/** The level of `value` when the highest value is `max`; null for no value. */
export function heatLevel(value: number | null, max: number): HeatLevel | null {
  if (value === null) return null;
  if (value <= 0 || max <= 0) return 0;
  return Math.min(4, Math.max(1, Math.ceil((value / max) * 4))) as HeatLevel;
}
