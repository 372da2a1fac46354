import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  ENGINE_FAILED,
  ENGINE_UNAVAILABLE,
  IncidentActionDto,
  IncidentDto,
  IncidentKeyParamDto,
  ListIncidentsQueryDto,
  NO_SUCH_JOURNEY,
  RetryIncidentDto,
} from '../dtos';
import { Auth, type AuthenticatedKey, CurrentKey } from '../middleware/auth.decorator';
import { IncidentService } from '../services';

@ApiTags('incidents')
@Auth('owner')
@ApiErrors({
  400: {
    description: 'Invalid input, or a command the engine found invalid.',
    details: [{ field: 'key', messages: ['key must be a Zeebe key (a positive 64-bit integer in decimal), got "abc"'] }],
  },
  501: {
    description: 'The engine is an external Zeebe, whose incidents need Operate.',
    message:
      "Incidents of an external Zeebe (ZEEBE_GRPC_ADDRESS) cannot be read through the Zeebe gateway protocol; they need Operate's API or the Camunda 8.8 REST API, which this service is not configured for. Use Operate to list and resolve them.",
  },
  503: ENGINE_UNAVAILABLE,
})
@Controller('incidents')
export class IncidentController {
  constructor(private readonly service: IncidentService) {}

  @Get()
  @ApiOperation({ summary: 'List open incidents', description: 'Oldest first, with the journey and the enrolment (customer) of each instance.' })
  @ApiOkResponse({ type: [IncidentDto], description: 'Open incidents, oldest first.' })
  @ApiErrors({ 404: { description: 'No such journey.', message: NO_SUCH_JOURNEY.message } })
  list(@Query() query: ListIncidentsQueryDto): Promise<IncidentDto[]> {
    return this.service.list(query);
  }

  @Post(':key/retry')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Retry an incident',
    description: 'A job incident: the job gets `retries` (default 1) and the incident is resolved, so the job runs again. Any other incident: resolved, so the step runs again.',
  })
  @ApiOkResponse({ type: IncidentActionDto, description: 'Retried (job incidents) or resolved.' })
  @ApiErrors({
    404: { description: 'No open incident with this key.', message: 'Expected the key of an open incident, found none with key 2251799813685260 (it may have been resolved)' },
    409: {
      description: 'The engine refused in the current state.',
      message:
        "Could not resolve incident 2251799813685260: Expected to resolve incident with key '2251799813685260', but job with key '2251799813685258' has no retries left. Please update the job retries and retry resolving the incident",
    },
    502: ENGINE_FAILED,
  })
  retry(@CurrentKey() auth: AuthenticatedKey, @Param() { key }: IncidentKeyParamDto, @Body() dto: RetryIncidentDto): Promise<IncidentActionDto> {
    return this.service.retry(auth, key, dto);
  }

  @Post(':key/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Cancel an incident's instance", description: 'Cancels the process instance; its enrolment, if any, becomes terminated.' })
  @ApiOkResponse({ type: IncidentActionDto, description: 'The instance was cancelled.' })
  @ApiErrors({
    404: { description: 'No open incident with this key.', message: 'Expected the key of an open incident, found none with key 2251799813685260 (it may have been resolved)' },
    409: {
      description: 'The instance was called by another one: cancel the root instance.',
      message:
        "Could not cancel process instance 2251799813685251: Expected to cancel a process instance with key '2251799813685251', but it is created by a parent process instance. Cancel the root process instance '2251799813685240' instead.",
    },
    502: ENGINE_FAILED,
  })
  cancel(@CurrentKey() auth: AuthenticatedKey, @Param() { key }: IncidentKeyParamDto): Promise<IncidentActionDto> {
    return this.service.cancel(auth, key);
  }
}
