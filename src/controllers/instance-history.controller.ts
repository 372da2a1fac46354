import { Controller, Get, Param } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto, InstanceTimelineDto, ProcessInstanceKeyParamDto } from '../dtos';
import { Auth } from '../middleware/auth.decorator';
import { InstanceHistoryService } from '../services';

@ApiTags('history')
@Controller('instances')
export class InstanceHistoryController {
  constructor(private readonly service: InstanceHistoryService) {}

  @Get(':processInstanceKey/timeline')
  @Auth('owner')
  @ApiOperation({
    summary: 'Timeline of a journey instance',
    description:
      'Elements entered and left with times and the variables they saw, variable changes, jobs and touchpoints, messages correlated and incidents. Complete with the embedded engine; with a real Zeebe only what the KPI listeners reported (`source`, `gaps`).',
  })
  @ApiOkResponse({ type: InstanceTimelineDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'The key is not a process instance key.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Nothing is known about the instance.' })
  timeline(@Param() { processInstanceKey }: ProcessInstanceKeyParamDto): Promise<InstanceTimelineDto> {
    return this.service.timeline(processInstanceKey);
  }
}
