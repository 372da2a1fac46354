import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, UseFilters } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import {
  ApiErrors,
  CreateJourneyVersionDto,
  DeploymentDto,
  DiagramProblemsResponseDto,
  INVALID_INPUT,
  JourneyIdParamDto,
  journeyArchived,
  JourneyVersionDto,
  JourneyVersionParamsDto,
  JourneyVersionSummaryDto,
  NO_SUCH_JOURNEY,
  ValidationDto,
} from '../dtos';
import { Auth, type AuthenticatedKey, CurrentKey } from '../middleware/auth.decorator';
import { DiagramProblemsFilter } from '../middleware/diagram-problems.filter';
import { JourneyVersionService } from '../services';

@ApiTags('journeys')
@ApiErrors({
  400: INVALID_INPUT,
  404: {
    description: 'No such journey or version.',
    message: 'Expected a version of journey 5b1d7a3e-2c4f-4e8a-9b6d-0f1e2d3c4b5a (1 to 3), found no version 4',
  },
})
@UseFilters(DiagramProblemsFilter)
@Controller('journeys/:id')
export class JourneyVersionController {
  constructor(private readonly service: JourneyVersionService) {}

  @Post('versions')
  @Auth('analyst')
  @ApiOperation({
    summary: 'Add a version',
    description:
      'Stores the BPMN XML as drawn, with its author, checksum, validation and a diff against the previous version. ' +
      "The diagram must define the journey's process; a version with validation errors is stored but cannot be deployed.",
  })
  @ApiCreatedResponse({ type: JourneyVersionDto, description: 'Stored, with its validation.' })
  @ApiErrors({
    400: {
      description: 'Invalid input, or XML that is not a BPMN diagram of the journey’s process; `details` lists the problems per field.',
      details: [{ field: 'bpmnXml', messages: ["bpmnXml must define the journey's process 'welcome', but it defines 'Process_1'"] }],
    },
    404: NO_SUCH_JOURNEY,
    409: journeyArchived('take new versions'),
  })
  add(@CurrentKey() auth: AuthenticatedKey, @Param() { id }: JourneyIdParamDto, @Body() dto: CreateJourneyVersionDto): Promise<JourneyVersionDto> {
    return this.service.add(auth, id, dto);
  }

  @Post('lint')
  @HttpCode(HttpStatus.OK)
  @Auth('analyst')
  @ApiOperation({
    summary: 'Validate a draft',
    description:
      'Runs the validation of a new version (bpmn-moddle, bpmnlint recommended + camunda-compat Camunda 8.8, the journey rules) on a diagram without storing it: ' +
      "the web modeller's live lint. The diagram must define the journey's process.",
  })
  @ApiOkResponse({ type: ValidationDto, description: 'What saving this diagram as a version would find.' })
  @ApiErrors({
    400: {
      description: 'Invalid input, or XML that is not a BPMN diagram of the journey’s process; `details` lists the problems per field.',
      details: [{ field: 'bpmnXml', messages: ["bpmnXml must define the journey's process 'welcome', but it defines 'Process_1'"] }],
    },
    404: NO_SUCH_JOURNEY,
  })
  lint(@Param() { id }: JourneyIdParamDto, @Body() dto: CreateJourneyVersionDto): Promise<ValidationDto> {
    return this.service.lint(id, dto);
  }

  @Get('versions')
  @Auth('analyst', 'owner')
  @ApiOperation({ summary: 'List the versions', description: 'Oldest first, without XML; `live` marks the version deployed last.' })
  @ApiOkResponse({ type: [JourneyVersionSummaryDto], description: 'Every version, oldest first.' })
  @ApiErrors({ 404: NO_SUCH_JOURNEY })
  list(@Param() { id }: JourneyIdParamDto): Promise<JourneyVersionSummaryDto[]> {
    return this.service.list(id);
  }

  @Get('versions/:version')
  @Auth('analyst', 'owner')
  @ApiOperation({ summary: 'Read a version', description: 'With its XML, its validation problems and the XML of its last deploy.' })
  @ApiOkResponse({ type: JourneyVersionDto, description: 'The version.' })
  get(@Param() { id, version }: JourneyVersionParamsDto): Promise<JourneyVersionDto> {
    return this.service.get(id, version);
  }

  @Post('versions/:version/validate')
  @HttpCode(HttpStatus.OK)
  @Auth('analyst')
  @ApiOperation({ summary: 'Validate a version again', description: 'bpmnlint (recommended + camunda-compat Camunda 8.8) and the journey rules; the result is stored with the version.' })
  @ApiOkResponse({ type: ValidationDto, description: 'The validation, as stored now.' })
  validate(@Param() { id, version }: JourneyVersionParamsDto): Promise<ValidationDto> {
    return this.service.validate(id, version);
  }

  @Post('versions/:version/deploy')
  @Auth('analyst')
  @ApiOperation({
    summary: 'Deploy a version',
    description:
      'Deploys it to the engine through the Zeebe client, with KPI execution listeners injected unless the journey turned them off, and makes it live.',
  })
  @ApiCreatedResponse({ type: DeploymentDto, description: 'Deployed: the version is live.' })
  @ApiErrors({
    409: journeyArchived('be deployed'),
    503: {
      description: 'The engine did not answer.',
      message: 'Expected the Zeebe gateway at localhost:26500 to take the deployment, but it did not answer: 14 UNAVAILABLE: No connection established',
    },
  })
  @ApiUnprocessableEntityResponse({ type: DiagramProblemsResponseDto, description: 'The version has validation errors, or the engine rejected it.' })
  deploy(@CurrentKey() auth: AuthenticatedKey, @Param() { id, version }: JourneyVersionParamsDto): Promise<DeploymentDto> {
    return this.service.deploy(auth, id, version);
  }

  @Get('deployments')
  @Auth('analyst', 'owner')
  @ApiOperation({ summary: 'List the deployments', description: 'Every deploy of every version, oldest first, without XML.' })
  @ApiOkResponse({ type: [DeploymentDto], description: 'Every deployment, oldest first.' })
  @ApiErrors({ 404: NO_SUCH_JOURNEY })
  listDeployments(@Param() { id }: JourneyIdParamDto): Promise<DeploymentDto[]> {
    return this.service.listDeployments(id);
  }
}
