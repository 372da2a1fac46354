import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SampleJourneyDto } from '../dtos';
import { Auth } from '../middleware/auth.decorator';
import { ModelingService } from '../services';

@ApiTags('modeling')
@Controller('modeling')
export class ModelingController {
  constructor(private readonly service: ModelingService) {}

  @Get('element-templates')
  @Auth('analyst', 'owner')
  @ApiOperation({
    summary: 'The touchpoint element templates',
    description: "Camunda 8 element templates (bpmn/templates): the web modeller's email, SMS, push and webhook touchpoints; Camunda Modeler reads the same files.",
  })
  @ApiOkResponse({
    description: 'Every template, as shipped.',
    schema: {
      type: 'array',
      items: { type: 'object', additionalProperties: true, example: { id: 'travesia.touchpoint.email', name: 'Email touchpoint', version: 1, appliesTo: ['bpmn:ServiceTask'] } },
    },
  })
  elementTemplates(): Promise<object[]> {
    return this.service.elementTemplates();
  }

  @Get('samples')
  @Auth('analyst', 'owner')
  @ApiOperation({ summary: 'The sample journeys', description: 'The diagrams of bpmn/ (welcome, cross-sell, cart recovery), to start a journey from.' })
  @ApiOkResponse({ type: [SampleJourneyDto], description: 'Every sample, by file name.' })
  samples(): Promise<SampleJourneyDto[]> {
    return this.service.samples();
  }
}

