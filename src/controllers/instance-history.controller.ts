import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, InstanceTimelineDto, ProcessInstanceKeyParamDto } from '../dtos';
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
  @ApiOkResponse({ type: InstanceTimelineDto, description: 'The timeline, as far as the source knows it.' })
  @ApiErrors({
    400: {
      description: 'The key is not a process instance key.',
      details: [{ field: 'processInstanceKey', messages: ['processInstanceKey must be a Zeebe key (a positive 64-bit integer in decimal), got "abc"'] }],
    },
    404: {
      description: 'Nothing is known about the instance.',
      message: 'Expected the key of a process instance, found no process instance 2251799813685251',
    },
  })
  timeline(@Param() { processInstanceKey }: ProcessInstanceKeyParamDto): Promise<InstanceTimelineDto> {
    return this.service.timeline(processInstanceKey);
  }
}
