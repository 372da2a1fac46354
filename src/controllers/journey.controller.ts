import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  CREATE_JOURNEY_EXAMPLES,
  CreateJourneyDto,
  INVALID_INPUT,
  JourneyDto,
  JourneyIdParamDto,
  journeyArchived,
  ListJourneysQueryDto,
  NO_SUCH_JOURNEY,
  UPDATE_JOURNEY_EXAMPLES,
  UpdateJourneyDto,
} from '../dtos';
import { Auth, type AuthenticatedKey, CurrentKey } from '../middleware/auth.decorator';
import { JourneyService } from '../services';

@ApiTags('journeys')
@ApiErrors({ 400: INVALID_INPUT })
@Controller('journeys')
export class JourneyController {
  constructor(private readonly service: JourneyService) {}

  @Post()
  @Auth('analyst')
  @ApiOperation({ summary: 'Create a journey', description: 'One journey is one BPMN process: its processId never changes.' })
  @ApiBody({ type: CreateJourneyDto, examples: CREATE_JOURNEY_EXAMPLES })
  @ApiCreatedResponse({ type: JourneyDto, description: 'Created, without versions yet.' })
  @ApiErrors({
    400: {
      ...INVALID_INPUT,
      details: [{ field: 'processId', messages: ['processId must be a BPMN id: a letter or _ followed by letters, digits, _, - or . (e.g. welcome-journey)'] }],
    },
    409: { description: 'Another journey has this processId.', message: "Expected a process id no other journey uses, but journey processId 'welcome' exists already" },
  })
  create(@CurrentKey() auth: AuthenticatedKey, @Body() dto: CreateJourneyDto): Promise<JourneyDto> {
    return this.service.create(auth, dto);
  }

  @Get()
  @Auth('analyst', 'owner')
  @ApiOperation({ summary: 'List journeys', description: 'Archived ones only with includeArchived=true.' })
  @ApiOkResponse({ type: [JourneyDto], description: 'The journeys.' })
  list(@Query() query: ListJourneysQueryDto): Promise<JourneyDto[]> {
    return this.service.list(query);
  }

  @Get(':id')
  @Auth('analyst', 'owner')
  @ApiOperation({ summary: 'Read a journey', description: 'With its live version (deployed last) and latest version.' })
  @ApiOkResponse({ type: JourneyDto, description: 'The journey.' })
  @ApiErrors({ 404: NO_SUCH_JOURNEY })
  get(@Param() { id }: JourneyIdParamDto): Promise<JourneyDto> {
    return this.service.get(id);
  }

  @Patch(':id')
  @Auth('analyst')
  @ApiOperation({ summary: 'Change a journey', description: 'Name, description, goal, re-entry rule, KPI listener settings; null clears description and goal.' })
  @ApiBody({ type: UpdateJourneyDto, examples: UPDATE_JOURNEY_EXAMPLES })
  @ApiOkResponse({ type: JourneyDto, description: 'The journey as changed.' })
  @ApiErrors({ 404: NO_SUCH_JOURNEY, 409: journeyArchived('be changed') })
  update(@CurrentKey() auth: AuthenticatedKey, @Param() { id }: JourneyIdParamDto, @Body() dto: UpdateJourneyDto): Promise<JourneyDto> {
    return this.service.update(auth, id, dto);
  }

  @Post(':id/archive')
  @HttpCode(HttpStatus.OK)
  @Auth('analyst')
  @ApiOperation({
    summary: 'Archive a journey',
    description: 'Soft: it stays readable, with its versions, but can no longer be changed, deployed or enrolled into. Archiving twice changes nothing.',
  })
  @ApiOkResponse({ type: JourneyDto, description: 'The journey, archived.' })
  @ApiErrors({ 404: NO_SUCH_JOURNEY })
  archive(@CurrentKey() auth: AuthenticatedKey, @Param() { id }: JourneyIdParamDto): Promise<JourneyDto> {
    return this.service.archive(auth, id);
  }
}
