import type { JourneyGoal } from '../../api/types';

/** The shapes of GET /api/journeys/:id/kpis and …/kpis/daily (see src/dtos/kpi.dto.ts). */

export interface InstanceKpi {
  started: number;
  completed: number;
  terminated: number;
  active: number;
  converted: number;
  /** converted ÷ started; null without a goal or without instances. */
  conversionRate: number | null;
}

export interface TimeInActivity {
  p50Ms: number;
  p95Ms: number;
  samples: number;
}

export interface ElementKpi {
  elementId: string;
  elementName: string | null;
  elementType: string;
  entered: number;
  completed: number;
  inFlight: number;
  dropped: number;
  timeInActivity: TimeInActivity | null;
}

export interface VariantKpi {
  /** null: the instances without a `variant` variable. */
  variant: string | null;
  instances: InstanceKpi;
  elements: ElementKpi[];
}

interface KpiScope {
  journeyId: string;
  processId: string;
  version: number | null;
  from: string | null;
  to: string | null;
  variant: string | null;
  goal: JourneyGoal | null;
  goalElementIds: string[];
}

export interface JourneyKpis extends KpiScope {
  instances: InstanceKpi;
  /** In diagram order (parents first), then any other element recorded. */
  elements: ElementKpi[];
  variants: VariantKpi[];
}

export interface DailyKpi {
  /** The UTC day, `2025-03-01`. */
  day: string;
  instances: InstanceKpi;
  elements: ElementKpi[];
}

export interface JourneyDailyKpis extends KpiScope {
  days: DailyKpi[];
}
