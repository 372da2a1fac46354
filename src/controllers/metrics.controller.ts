import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { Public } from '../middleware';
import { MetricsService } from '../services';

/** Served at /metrics, outside the /api prefix, where Prometheus looks by default. */
@ApiTags('operations')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly service: MetricsService) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOperation({ summary: 'Prometheus metrics of this process' })
  @ApiProduces(Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOkResponse({
    description: 'The Prometheus text exposition format.',
    schema: {
      type: 'string',
      example:
        '# HELP http_request_duration_seconds Duration of HTTP requests, by method, route pattern and status code.\n' +
        '# TYPE http_request_duration_seconds histogram\n' +
        'http_request_duration_seconds_count{method="GET",route="/api/customers/:externalId",status_code="200"} 42\n',
    },
  })
  metrics(): Promise<string> {
    return this.service.render();
  }
}
