import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateBy } from 'class-validator';
import { EXAMPLE } from './example-values';
import { JourneyGoalDto } from './journey.dto';

const DATE_OR_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** `2025-03-01` (UTC midnight) or an ISO 8601 date-time with a zone; NaN for anything else. */
export function instantMillis(value: unknown): number {
  const match = typeof value === 'string' ? DATE_OR_DATE_TIME.exec(value) : null;
  if (!match) return Number.NaN;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return Number.NaN;
  return Date.parse(match[4] ? (value as string) : `${value as string}T00:00:00Z`);
}

function IsInstant(): PropertyDecorator {
  return ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (value) => Number.isFinite(instantMillis(value)),
      defaultMessage: () => '$property must be a date (2025-03-01, UTC) or an ISO 8601 date-time with a zone (2025-03-01T09:00:00Z), got "$value"',
    },
  });
}

export class KpiQueryDto {
  @ApiPropertyOptional({ description: 'Journey version number; default: the live version.', example: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version?: number;

  @ApiPropertyOptional({ description: 'Only instances started at or after this instant (a date is UTC midnight).', example: '2025-03-01' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'Only instances started before this instant (a date is UTC midnight).', example: '2025-04-01T00:00:00Z' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional({ description: 'Only instances of this A/B variant (their `variant` variable).', example: 'A' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  variant?: string;
}

export class TimeInActivityDto {
  @ApiProperty({ description: 'Median of end − start over the element instances with both, in milliseconds (percentile_cont 0.5).', example: 840 })
  p50Ms: number;

  @ApiProperty({ description: '95th percentile, in milliseconds (percentile_cont 0.95).', example: 2310.5 })
  p95Ms: number;

  @ApiProperty({ description: 'Element instances measured: those with both a start and an end.', example: 118 })
  samples: number;
}

export class ElementKpiDto {
  @ApiProperty({ example: 'send_welcome' })
  elementId: string;

  @ApiProperty({ type: String, nullable: true, example: 'Send welcome email' })
  elementName: string | null;

  @ApiProperty({ description: "Zeebe's BpmnElementType.", example: 'SERVICE_TASK' })
  elementType: string;

  @ApiProperty({
    description:
      'Element instances of the covered instances that were entered (a start row; for an element with only an end listener — start and boundary events — its end row).',
    example: 120,
  })
  entered: number;

  @ApiProperty({
    description: 'Entered element instances that completed: an end row (elements with only a start listener — gateways — complete as they are entered).',
    example: 118,
  })
  completed: number;

  @ApiProperty({ description: 'entered − completed − dropped: entered, not left, in an instance still running.', example: 1 })
  inFlight: number;

  @ApiProperty({
    description:
      'Entered and never completed, and left: the element instance was terminated (interrupted by an event, cancelled; known from the embedded engine’s records) or its process instance has ended (completed elsewhere, e.g. a terminate end event, or cancelled).',
    example: 1,
  })
  dropped: number;

  @ApiProperty({ type: TimeInActivityDto, nullable: true, description: 'Null when no element instance has both a start and an end.' })
  timeInActivity: TimeInActivityDto | null;
}

export class InstanceKpiDto {
  @ApiProperty({ description: 'Instances covered: started (first KPI record) in [from, to), of the variant if one was asked for.', example: 120 })
  started: number;

  @ApiProperty({ description: 'Instances that completed (the process end listener ran).', example: 117 })
  completed: number;

  @ApiProperty({ description: 'Instances terminated (cancelled) without completing.', example: 2 })
  terminated: number;

  @ApiProperty({ description: 'started − completed − terminated.', example: 1 })
  active: number;

  @ApiProperty({
    description: "Instances that reached the journey's goal: entered the goal end event, or completed an element catching the goal message.",
    example: 45,
  })
  converted: number;

  @ApiProperty({ type: Number, nullable: true, description: 'converted ÷ started; null without a goal or without instances.', example: 0.375 })
  conversionRate: number | null;
}

export class VariantKpiDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The A/B variant (the latest `variant` variable the instance had); null: instances without one.',
    example: 'A',
  })
  variant: string | null;

  @ApiProperty({ type: InstanceKpiDto })
  instances: InstanceKpiDto;

  @ApiProperty({ type: [ElementKpiDto] })
  elements: ElementKpiDto[];
}

class KpiScopeDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.journeyId })
  journeyId: string;

  @ApiProperty({ example: 'welcome' })
  processId: string;

  @ApiProperty({ type: Number, nullable: true, description: 'The journey version; null when none is live and none was asked for.', example: 2 })
  version: number | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Instances started at or after this instant count; null: no lower bound.',
    example: '2025-11-01T00:00:00.000Z',
  })
  from: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Instances started before this instant count; null: no upper bound.',
    example: '2025-12-01T00:00:00.000Z',
  })
  to: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The variant asked for; null: every instance.', example: null })
  variant: string | null;

  @ApiProperty({ type: JourneyGoalDto, nullable: true })
  goal: JourneyGoalDto | null;

  @ApiProperty({ type: [String], description: 'The elements whose records count as reaching the goal.', example: ['end_converted'] })
  goalElementIds: string[];
}

export class JourneyKpisDto extends KpiScopeDto {
  @ApiProperty({ type: InstanceKpiDto })
  instances: InstanceKpiDto;

  @ApiProperty({ type: [ElementKpiDto], description: 'Every element with KPI listeners, in diagram order (parents first), then any other element recorded.' })
  elements: ElementKpiDto[];

  @ApiProperty({ type: [VariantKpiDto], description: 'The same, per A/B variant.' })
  variants: VariantKpiDto[];
}

export class DailyKpiDto {
  @ApiProperty({ description: 'The UTC day the instances started.', example: '2025-03-01' })
  day: string;

  @ApiProperty({ type: InstanceKpiDto })
  instances: InstanceKpiDto;

  @ApiProperty({ type: [ElementKpiDto] })
  elements: ElementKpiDto[];
}

export class JourneyDailyKpisDto extends KpiScopeDto {
  @ApiProperty({ type: [DailyKpiDto], description: 'One entry per UTC day of [from, to), oldest first, days without instances included.' })
  days: DailyKpiDto[];
}

/** Counts of instances, as the report repository returns them. */
export interface InstanceCountsInput {
  readonly started: number;
  readonly completed: number;
  readonly terminated: number;
  readonly converted: number;
}

/** Counts of one element, as the report repository returns them. */
export interface ElementCountsInput {
  readonly entered: number;
  readonly completed: number;
  readonly dropped: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly timed: number;
}

export interface ElementMeta {
  readonly elementId: string;
  readonly elementName: string | null;
  readonly elementType: string;
}

const NO_INSTANCES: InstanceCountsInput = { started: 0, completed: 0, terminated: 0, converted: 0 };
const NO_ELEMENT_INSTANCES: ElementCountsInput = { entered: 0, completed: 0, dropped: 0, p50Ms: null, p95Ms: null, timed: 0 };

/** `hasGoal`: whether the journey has a goal that can be counted; otherwise the rate is null. */
export function mapInstanceKpi(counts: InstanceCountsInput | undefined, hasGoal: boolean): InstanceKpiDto {
  const { started, completed, terminated, converted } = counts ?? NO_INSTANCES;
  return {
    started,
    completed,
    terminated,
    active: started - completed - terminated,
    converted,
    conversionRate: hasGoal && started > 0 ? converted / started : null,
  };
}

export function mapElementKpi(meta: ElementMeta, counts: ElementCountsInput | undefined): ElementKpiDto {
  const { entered, completed, dropped, p50Ms, p95Ms, timed } = counts ?? NO_ELEMENT_INSTANCES;
  return {
    ...meta,
    entered,
    completed,
    inFlight: entered - completed - dropped,
    dropped,
    timeInActivity: p50Ms === null || p95Ms === null ? null : { p50Ms, p95Ms, samples: timed },
  };
}
