import { ApiProperty } from '@nestjs/swagger';
import { EXAMPLE } from './example-values';
import { TouchpointDto } from './history-job.dto';
import { JourneyVersionRefDto } from './instance-history.dto';
import { PageQueryDto } from './page.dto';

const ITEM_KINDS = ['journey', 'touchpoint'] as const;
const INSTANCE_STATES = ['pending', 'active', 'completed', 'terminated', 'failed'] as const;
const HISTORY_SOURCES = ['engine-records', 'kpi-listeners'] as const;

export class CustomerHistoryQueryDto extends PageQueryDto {}

export class CustomerJourneyInstanceDto {
  @ApiProperty({
    enum: INSTANCE_STATES,
    description: 'active, completed, terminated (cancelled); pending or failed: an enrolment whose instance the engine has not confirmed, or refused.',
    example: 'completed',
  })
  state: (typeof INSTANCE_STATES)[number];

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The enrolment that started the instance, if one did.', example: EXAMPLE.enrolmentId })
  enrolmentId: string | null;

  @ApiProperty({ format: 'date-time', example: EXAMPLE.startedAt })
  startedAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: EXAMPLE.endedAt })
  endedAt: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The A/B variant the instance got, if any.', example: 'A' })
  variant: string | null;
}

export class CustomerHistoryItemDto {
  @ApiProperty({ enum: ITEM_KINDS, description: 'journey: an instance of a journey; touchpoint: a touchpoint job of one.', example: 'journey' })
  kind: (typeof ITEM_KINDS)[number];

  @ApiProperty({
    format: 'date-time',
    description: 'When the instance started (or the enrolment was made), or the touchpoint job was created.',
    example: EXAMPLE.startedAt,
  })
  at: string;

  @ApiProperty({ type: String, nullable: true, description: 'Null for an enrolment without an instance (pending or failed).', example: EXAMPLE.processInstanceKey })
  processInstanceKey: string | null;

  @ApiProperty({ type: JourneyVersionRefDto })
  journey: JourneyVersionRefDto;

  @ApiProperty({ type: CustomerJourneyInstanceDto, nullable: true, description: 'With kind journey; null with kind touchpoint.' })
  instance: CustomerJourneyInstanceDto | null;

  @ApiProperty({ type: TouchpointDto, nullable: true, description: 'With kind touchpoint; null with kind journey.' })
  touchpoint: TouchpointDto | null;
}

export class CustomerHistoryPageDto {
  @ApiProperty({ example: EXAMPLE.customerId })
  externalId: string;

  @ApiProperty({
    enum: HISTORY_SOURCES,
    description: "Where touchpoints come from: the embedded engine's jobs, or (real Zeebe) the touchpoint tasks the KPI listeners saw.",
    example: 'engine-records',
  })
  source: (typeof HISTORY_SOURCES)[number];

  @ApiProperty({ type: [CustomerHistoryItemDto], description: 'Newest first.' })
  items: CustomerHistoryItemDto[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page.', example: 'MTc2NDE0OTQwMDEyMC5qMjI1MTc5OTgxMzY4NTI1MQ' })
  nextCursor: string | null;
}
