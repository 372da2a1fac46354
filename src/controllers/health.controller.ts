import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ComponentHealthDto, HealthReportDto } from '../dtos';
import { Public } from '../middleware';
import { HealthService } from '../services';

@ApiTags('operations')
@ApiExtraModels(ComponentHealthDto)
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly service: HealthService) {}

  @Get()
  @ApiOperation({ summary: 'Health of the service and of each component it depends on' })
  @ApiOkResponse({ type: HealthReportDto, description: 'Every component is up.' })
  @ApiServiceUnavailableResponse({ type: HealthReportDto, description: 'At least one component is down.' })
  async check(@Res({ passthrough: true }) res: ServerResponse): Promise<HealthReportDto> {
    const report = await this.service.check();
    res.statusCode = report.status === 'up' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE;
    return report;
  }
}
