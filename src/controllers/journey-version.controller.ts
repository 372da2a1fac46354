import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import {
  CreateJourneyVersionDto,
  DeploymentDto,
  DiagramProblemsResponseDto,
  ErrorResponseDto,
  JourneyIdParamDto,
  JourneyVersionDto,
  JourneyVersionParamsDto,
  JourneyVersionSummaryDto,
  ValidationDto,
} from '../dtos';
import { Auth, type AuthenticatedKey, CurrentKey } from '../middleware/auth.decorator';
import { DiagramProblemsFilter } from '../middleware/diagram-problems.filter';
import { JourneyVersionService } from '../services';

@ApiTags('journeys')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid input; `details` lists the problems per field.' })
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such journey or version.' })
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
  @ApiCreatedResponse({ type: JourneyVersionDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The journey is archived.' })
  add(@CurrentKey() auth: AuthenticatedKey, @Param() { id }: JourneyIdParamDto, @Body() dto: CreateJourneyVersionDto): Promise<JourneyVersionDto> {
    return this.service.add(auth, id, dto);
  }

  @Get('versions')
  @Auth('analyst', 'owner')
  @ApiOperation({ summary: 'List the versions', description: 'Oldest first, without XML; `live` marks the version deployed last.' })
  @ApiOkResponse({ type: [JourneyVersionSummaryDto] })
  list(@Param() { id }: JourneyIdParamDto): Promise<JourneyVersionSummaryDto[]> {
    return this.service.list(id);
  }

  @Get('versions/:version')
  @Auth('analyst', 'owner')
  @ApiOperation({ summary: 'Read a version', description: 'With its XML, its validation problems and the XML of its last deploy.' })
  @ApiOkResponse({ type: JourneyVersionDto })
  get(@Param() { id, version }: JourneyVersionParamsDto): Promise<JourneyVersionDto> {
    return this.service.get(id, version);
  }

  @Post('versions/:version/validate')
  @HttpCode(HttpStatus.OK)
  @Auth('analyst')
  @ApiOperation({ summary: 'Validate a version again', description: 'bpmnlint (recommended + camunda-compat Camunda 8.8) and the journey rules; the result is stored with the version.' })
  @ApiOkResponse({ type: ValidationDto })
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
  @ApiCreatedResponse({ type: DeploymentDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The journey is archived.' })
  @ApiUnprocessableEntityResponse({ type: DiagramProblemsResponseDto, description: 'The version has validation errors, or the engine rejected it.' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The engine did not answer.' })
  deploy(@CurrentKey() auth: AuthenticatedKey, @Param() { id, version }: JourneyVersionParamsDto): Promise<DeploymentDto> {
    return this.service.deploy(auth, id, version);
  }

  @Get('deployments')
  @Auth('analyst', 'owner')
  @ApiOperation({ summary: 'List the deployments', description: 'Every deploy of every version, oldest first, without XML.' })
  @ApiOkResponse({ type: [DeploymentDto] })
  listDeployments(@Param() { id }: JourneyIdParamDto): Promise<DeploymentDto[]> {
    return this.service.listDeployments(id);
  }
}
