import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateJourneyDto, ErrorResponseDto, JourneyDto, JourneyIdParamDto, ListJourneysQueryDto, UpdateJourneyDto } from '../dtos';
import { Auth, type AuthenticatedKey, CurrentKey } from '../middleware/auth.decorator';
import { JourneyService } from '../services';

@ApiTags('journeys')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid input; `details` lists the problems per field.' })
@Controller('journeys')
export class JourneyController {
  constructor(private readonly service: JourneyService) {}

  @Post()
  @Auth('analyst')
  @ApiOperation({ summary: 'Create a journey', description: 'One journey is one BPMN process: its processId never changes.' })
  @ApiCreatedResponse({ type: JourneyDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Another journey has this processId.' })
  create(@CurrentKey() auth: AuthenticatedKey, @Body() dto: CreateJourneyDto): Promise<JourneyDto> {
    return this.service.create(auth, dto);
  }

  @Get()
  @Auth('analyst', 'owner')
  @ApiOperation({ summary: 'List journeys', description: 'Archived ones only with includeArchived=true.' })
  @ApiOkResponse({ type: [JourneyDto] })
  list(@Query() query: ListJourneysQueryDto): Promise<JourneyDto[]> {
    return this.service.list(query);
  }

  @Get(':id')
  @Auth('analyst', 'owner')
  @ApiOperation({ summary: 'Read a journey', description: 'With its live version (deployed last) and latest version.' })
  @ApiOkResponse({ type: JourneyDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param() { id }: JourneyIdParamDto): Promise<JourneyDto> {
    return this.service.get(id);
  }

  @Patch(':id')
  @Auth('analyst')
  @ApiOperation({ summary: 'Change a journey', description: 'Name, description, goal, re-entry rule, KPI listener settings; null clears description and goal.' })
  @ApiOkResponse({ type: JourneyDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The journey is archived.' })
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
  @ApiOkResponse({ type: JourneyDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  archive(@CurrentKey() auth: AuthenticatedKey, @Param() { id }: JourneyIdParamDto): Promise<JourneyDto> {
    return this.service.archive(auth, id);
  }
}
