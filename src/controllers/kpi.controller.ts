import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, JourneyDailyKpisDto, JourneyIdParamDto, JourneyKpisDto, KpiQueryDto } from '../dtos';
import { Auth } from '../middleware/auth.decorator';
import { KpiService } from '../services';

@ApiTags('kpis')
@ApiErrors({
  400: {
    description: 'Invalid query; `details` lists the problems per field.',
    details: [{ field: 'from', messages: ['from must be a date (2025-03-01, UTC) or an ISO 8601 date-time with a zone (2025-03-01T09:00:00Z), got "yesterday"'] }],
  },
  404: {
    description: 'No such journey, or no such version of it.',
    message: 'Expected a version of journey 5b1d7a3e-2c4f-4e8a-9b6d-0f1e2d3c4b5a (1 to 3), found no version 4',
  },
})
@Controller('journeys')
export class KpiController {
  constructor(private readonly service: KpiService) {}

  @Get(':id/kpis')
  @Auth('owner', 'analyst')
  @ApiOperation({
    summary: 'KPIs of a journey version per element, and per A/B variant',
    description:
      'Over the instances started in [from, to) (of the variant, if given): per element entered, completed, in flight, dropped and time in activity (p50/p95); per instance started, completed, terminated, converted and the conversion rate to the journey goal. Counts are as of now.',
  })
  @ApiOkResponse({ type: JourneyKpisDto, description: 'The KPIs, as of now.' })
  kpis(@Param() { id }: JourneyIdParamDto, @Query() query: KpiQueryDto): Promise<JourneyKpisDto> {
    return this.service.kpis(id, query);
  }

  @Get(':id/kpis/daily')
  @Auth('owner', 'analyst')
  @ApiOperation({
    summary: 'KPIs of a journey version per day',
    description: 'The same KPIs per UTC day the instances started, every day of [from, to) (default: the last 30 days), at most 366 days.',
  })
  @ApiOkResponse({ type: JourneyDailyKpisDto, description: 'The KPIs per day, as of now.' })
  daily(@Param() { id }: JourneyIdParamDto, @Query() query: KpiQueryDto): Promise<JourneyDailyKpisDto> {
    return this.service.daily(id, query);
  }
}
