import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { GOAL_TYPES, type GoalType, type JourneyEntity, type JourneyGoal, REENTRY_RULES, type ReentryRule } from '../entities/journey.entity';
import type { ErrorResponseDoc } from './error-responses.decorator';
import { EXAMPLE } from './example-values';

export const NO_SUCH_JOURNEY: ErrorResponseDoc = {
  description: 'No such journey.',
  message: `Expected the id of a journey, found no journey ${EXAMPLE.journeyId}`,
};

/** What a 409 says about an archived journey; `what` it cannot do, e.g. "be changed". */
export function journeyArchived(what: string): ErrorResponseDoc {
  return { description: 'The journey is archived.', message: `Journey ${EXAMPLE.journeyId} (welcome) is archived since 2025-11-26T10:00:00.000Z; it cannot ${what}` };
}

/** An XML id as BPMN uses them (an NCName, ASCII only): what a bpmnProcessId or element id may be. */
export function IsBpmnId(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    MaxLength(255),
    Matches(/^[A-Za-z_][A-Za-z0-9_.-]*$/, {
      message: '$property must be a BPMN id: a letter or _ followed by letters, digits, _, - or . (e.g. welcome-journey)',
    }),
  );
}

/** A static Zeebe job type: no spaces, not a FEEL expression. */
function IsJobType(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Matches(/^[^\s=]\S{0,254}$/, { message: '$property must be a job type without spaces or a leading = (at most 255 characters), e.g. travesia.kpi' }),
  );
}

/** Trims strings, so that "  " counts as empty. */
const Trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** The property may only be given with the goal type `type`. */
function OnlyForGoalType(type: GoalType): PropertyDecorator {
  return ValidateBy({
    name: 'onlyForGoalType',
    validator: {
      validate: (_value, args) => (args?.object as { type?: unknown }).type === type,
      defaultMessage: () => `$property is only allowed when type is ${type}`,
    },
  });
}

export class JourneyGoalDto {
  @ApiProperty({ enum: GOAL_TYPES, description: 'end_event: reaching an end event of the diagram; message: a message (customer event) arriving.', example: 'end_event' })
  @IsIn(GOAL_TYPES)
  type: GoalType;

  @ApiPropertyOptional({ description: 'With type end_event: the id of the end event that counts as conversion.', example: 'end_converted' })
  @ValidateIf((goal: JourneyGoalDto) => goal.type === 'end_event' || goal.endEventId !== undefined)
  @IsBpmnId()
  @OnlyForGoalType('end_event')
  endEventId?: string;

  @ApiPropertyOptional({ description: 'With type message: the message name that counts as conversion.', example: 'order.placed' })
  @ValidateIf((goal: JourneyGoalDto) => goal.type === 'message' || goal.messageName !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @OnlyForGoalType('message')
  messageName?: string;
}

export class KpiListenerSettingsDto {
  @ApiPropertyOptional({ description: 'Inject the KPI execution listeners at deploy. Default true.', example: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Job type of the KPI listeners; null or absent → the service default (KPI_LISTENER_JOB_TYPE, travesia.kpi).',
    example: 'travesia.kpi',
  })
  @IsOptional()
  @IsJobType()
  jobType?: string | null;
}

export class CreateJourneyDto {
  @ApiProperty({ description: 'The bpmnProcessId of the journey: every version must define an executable process with this id.', example: 'welcome' })
  @IsBpmnId()
  processId: string;

  @ApiProperty({ example: 'Welcome', maxLength: 200 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000, example: 'Greets new leads and turns them into first-time buyers.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({ type: JourneyGoalDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => JourneyGoalDto)
  goal?: JourneyGoalDto | null;

  @ApiPropertyOptional({
    enum: REENTRY_RULES,
    default: 'never',
    description: 'May a customer travel it again: never, after their previous instance ended, or always.',
    example: 'after_exit',
  })
  @IsOptional()
  @IsIn(REENTRY_RULES)
  reentry?: ReentryRule;

  @ApiPropertyOptional({ type: KpiListenerSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => KpiListenerSettingsDto)
  kpiListeners?: KpiListenerSettingsDto;
}

/** Every field optional; null clears description and goal. The processId never changes. */
export class UpdateJourneyDto {
  @ApiPropertyOptional({ maxLength: 200, example: 'Welcome (spring edition)' })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000, example: 'Greets spring sign-ups with a discount on their first order.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({ type: JourneyGoalDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => JourneyGoalDto)
  goal?: JourneyGoalDto | null;

  @ApiPropertyOptional({ enum: REENTRY_RULES, example: 'never' })
  @IsOptional()
  @IsIn(REENTRY_RULES)
  reentry?: ReentryRule;

  @ApiPropertyOptional({ type: KpiListenerSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => KpiListenerSettingsDto)
  kpiListeners?: KpiListenerSettingsDto;
}

/**
 * Whole request bodies for the OpenAPI document: the goal's own examples name both endEventId
 * and messageName, of which a goal takes the one of its type.
 */
export const CREATE_JOURNEY_EXAMPLES = {
  endEventGoal: {
    summary: 'Converted when the customer reaches an end event',
    value: {
      processId: 'welcome',
      name: 'Welcome',
      description: 'Greets new leads and turns them into first-time buyers.',
      goal: { type: 'end_event', endEventId: 'end_converted' },
      reentry: 'after_exit',
      kpiListeners: { enabled: true, jobType: 'travesia.kpi' },
    },
  },
  messageGoal: {
    summary: 'Converted when an order arrives',
    value: { processId: 'cart-recovery', name: 'Cart recovery', goal: { type: 'message', messageName: 'order.placed' } },
  },
} satisfies Record<string, { summary: string; value: CreateJourneyDto }>;

export const UPDATE_JOURNEY_EXAMPLES = {
  rename: { summary: 'A new name and description', value: { name: 'Welcome (spring edition)', description: 'Greets spring sign-ups with a discount on their first order.' } },
  goal: { summary: 'Count conversions by orders instead', value: { goal: { type: 'message', messageName: 'order.placed' }, reentry: 'never' } },
} satisfies Record<string, { summary: string; value: UpdateJourneyDto }>;

export class JourneyIdParamDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.journeyId })
  @IsUUID()
  id: string;
}

export class ListJourneysQueryDto {
  @ApiPropertyOptional({ description: 'Include archived journeys. Default false.', example: false })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeArchived?: boolean;
}

export class KeyRefDto {
  @ApiProperty({ format: 'uuid', description: 'Id of the API key.', example: EXAMPLE.analystKeyId })
  keyId: string;

  @ApiProperty({ description: 'Name of the API key.', example: 'Marketing analyst' })
  name: string;
}

export class KpiListenerSettingsResponseDto {
  @ApiProperty({ example: true })
  enabled: boolean;

  @ApiProperty({ description: 'The job type deploys use: the journey’s own, or the service default.', example: 'travesia.kpi' })
  jobType: string;

  @ApiProperty({ description: 'Whether jobType is the service default (KPI_LISTENER_JOB_TYPE).', example: true })
  defaultJobType: boolean;
}

export class JourneyDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.journeyId })
  id: string;

  @ApiProperty({ example: 'welcome' })
  processId: string;

  @ApiProperty({ example: 'Welcome' })
  name: string;

  @ApiProperty({ type: String, nullable: true, example: 'Greets new leads and turns them into first-time buyers.' })
  description: string | null;

  @ApiProperty({ type: JourneyGoalDto, nullable: true })
  goal: JourneyGoalDto | null;

  @ApiProperty({ enum: REENTRY_RULES, example: 'after_exit' })
  reentry: ReentryRule;

  @ApiProperty({ type: KpiListenerSettingsResponseDto })
  kpiListeners: KpiListenerSettingsResponseDto;

  @ApiProperty({ type: Number, nullable: true, description: 'The version deployed last, which new instances run.', example: 2 })
  liveVersion: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'The newest version.', example: 3 })
  latestVersion: number | null;

  @ApiProperty({ description: 'Archived journeys can be read but not changed, deployed or enrolled into.', example: false })
  archived: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  archivedAt: string | null;

  @ApiProperty({ type: KeyRefDto })
  createdBy: KeyRefDto;

  @ApiProperty({ format: 'date-time', example: '2025-11-20T14:05:00.000Z' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', example: '2025-11-26T08:12:40.000Z' })
  updatedAt: string;
}

export function mapJourney(journey: JourneyEntity, defaultJobType: string): JourneyDto {
  return {
    id: journey.id,
    processId: journey.processId,
    name: journey.name,
    description: journey.description,
    goal: journey.goal ? mapGoal(journey.goal) : null,
    reentry: journey.reentry,
    kpiListeners: {
      enabled: journey.kpiListenersEnabled,
      jobType: journey.kpiListenerJobType ?? defaultJobType,
      defaultJobType: journey.kpiListenerJobType === null,
    },
    liveVersion: journey.liveVersion,
    latestVersion: journey.latestVersion,
    archived: journey.archivedAt !== null,
    archivedAt: journey.archivedAt?.toISOString() ?? null,
    createdBy: { keyId: journey.createdByKeyId, name: journey.createdByName },
    createdAt: journey.createdAt.toISOString(),
    updatedAt: journey.updatedAt.toISOString(),
  };
}

/** The stored form of a validated goal. */
export function toJourneyGoal(goal: JourneyGoalDto): JourneyGoal {
  return goal.type === 'end_event' ? { type: 'end_event', endEventId: goal.endEventId! } : { type: 'message', messageName: goal.messageName! };
}

function mapGoal(goal: JourneyGoal): JourneyGoalDto {
  return goal.type === 'end_event' ? { type: 'end_event', endEventId: goal.endEventId } : { type: 'message', messageName: goal.messageName };
}
