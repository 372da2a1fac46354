import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto, JourneyDailyKpisDto, JourneyIdParamDto, JourneyKpisDto, KpiQueryDto } from '../dtos';
import { Auth } from '../middleware/auth.decorator';
import { KpiService } from '../services';

@ApiTags('kpis')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid query; `details` lists the problems per field.' })
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such journey, or no such version of it.' })
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
  @ApiOkResponse({ type: JourneyKpisDto })
  kpis(@Param() { id }: JourneyIdParamDto, @Query() query: KpiQueryDto): Promise<JourneyKpisDto> {
    return this.service.kpis(id, query);
  }

  @Get(':id/kpis/daily')
  @Auth('owner', 'analyst')
  @ApiOperation({
    summary: 'KPIs of a journey version per day',
    description: 'The same KPIs per UTC day the instances started, every day of [from, to) (default: the last 30 days), at most 366 days.',
  })
  @ApiOkResponse({ type: JourneyDailyKpisDto })
  daily(@Param() { id }: JourneyIdParamDto, @Query() query: KpiQueryDto): Promise<JourneyDailyKpisDto> {
    return this.service.daily(id, query);
  }
}
