import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto, IncidentActionDto, IncidentDto, IncidentKeyParamDto, ListIncidentsQueryDto, RetryIncidentDto } from '../dtos';
import { Auth, type AuthenticatedKey, CurrentKey } from '../middleware/auth.decorator';
import { IncidentService } from '../services';

@ApiTags('incidents')
@Auth('owner')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid input, or a command the engine found invalid.' })
@ApiResponse({ status: HttpStatus.NOT_IMPLEMENTED, type: ErrorResponseDto, description: 'The engine is an external Zeebe, whose incidents need Operate.' })
@ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The engine did not answer.' })
@Controller('incidents')
export class IncidentController {
  constructor(private readonly service: IncidentService) {}

  @Get()
  @ApiOperation({ summary: 'List open incidents', description: 'Oldest first, with the journey and the enrolment (customer) of each instance.' })
  @ApiOkResponse({ type: [IncidentDto] })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such journey.' })
  list(@Query() query: ListIncidentsQueryDto): Promise<IncidentDto[]> {
    return this.service.list(query);
  }

  @Post(':key/retry')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Retry an incident',
    description: 'A job incident: the job gets `retries` (default 1) and the incident is resolved, so the job runs again. Any other incident: resolved, so the step runs again.',
  })
  @ApiOkResponse({ type: IncidentActionDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No open incident with this key.' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The engine refused in the current state.' })
  retry(@CurrentKey() auth: AuthenticatedKey, @Param() { key }: IncidentKeyParamDto, @Body() dto: RetryIncidentDto): Promise<IncidentActionDto> {
    return this.service.retry(auth, key, dto);
  }

  @Post(':key/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Cancel an incident's instance", description: 'Cancels the process instance; its enrolment, if any, becomes terminated.' })
  @ApiOkResponse({ type: IncidentActionDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No open incident with this key.' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The instance was called by another one: cancel the root instance.' })
  cancel(@CurrentKey() auth: AuthenticatedKey, @Param() { key }: IncidentKeyParamDto): Promise<IncidentActionDto> {
    return this.service.cancel(auth, key);
  }
}
