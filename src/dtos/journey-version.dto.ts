import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import type { JourneyDeploymentEntity } from '../entities/journey-deployment.entity';
import type { JourneyVersionEntity, ProblemCategory, ValidationProblem, VersionValidation } from '../entities/journey-version.entity';
import { EXAMPLE } from './example-values';
import { KeyRefDto } from './journey.dto';

/**
 * Longest BPMN XML a version may hold, in characters (1 MiB of ASCII): a journey of a hundred
 * elements with its layout is about 100 kB, and a mistake cannot fill the database. The JSON
 * body limit (2 MB, see `configureApp`) leaves room for the escaping.
 */
export const BPMN_XML_MAX_LENGTH = 1024 * 1024;

const EXAMPLE_BPMN_XML = exampleBpmnXml('');
const EXAMPLE_DEPLOYED_XML = exampleBpmnXml(
  '<zeebe:executionListeners><zeebe:executionListener eventType="start" type="travesia.kpi" /><zeebe:executionListener eventType="end" type="travesia.kpi" /></zeebe:executionListeners>',
);

export class CreateJourneyVersionDto {
  @ApiProperty({ description: `The diagram as BPMN 2.0 XML, as a modeller saves it (at most ${BPMN_XML_MAX_LENGTH} characters).`, example: EXAMPLE_BPMN_XML })
  @IsString()
  @IsNotEmpty()
  @MaxLength(BPMN_XML_MAX_LENGTH, { message: `$property must be at most ${BPMN_XML_MAX_LENGTH} characters long` })
  bpmnXml: string;
}

export class JourneyVersionParamsDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.journeyId })
  @IsUUID()
  id: string;

  @ApiProperty({ description: 'Version number: 1, 2, 3…', example: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version: number;
}

export class ValidationProblemDto {
  @ApiProperty({ example: 'send_welcome' })
  elementId: string;

  @ApiProperty({ example: 'camunda-compat/implementation', description: 'bpmnlint/…, camunda-compat/…, travesia/… (the service’s own checks), zeebe/deployment (the engine refused it).' })
  rule: string;

  @ApiProperty({ enum: ['error', 'warn'], example: 'error' })
  category: ProblemCategory;

  @ApiProperty({ example: 'Element of type <bpmn:ServiceTask> must have one extension element of type <zeebe:TaskDefinition>' })
  message: string;
}

export class ValidationSummaryDto {
  @ApiProperty({ description: 'No errors: the version can be deployed. Warnings do not block.', example: true })
  valid: boolean;

  @ApiProperty({ example: 0 })
  errorCount: number;

  @ApiProperty({ example: 0 })
  warningCount: number;

  @ApiProperty({ example: 'bpmnlint:recommended + camunda-compat/camunda-cloud-8-8' })
  ruleset: string;

  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  validatedAt: string;
}

export class ValidationDto extends ValidationSummaryDto {
  @ApiProperty({ type: [ValidationProblemDto] })
  problems: ValidationProblemDto[];
}

export class DiffElementDto {
  @ApiProperty({ example: 'send_offer' })
  id: string;

  @ApiProperty({ example: 'bpmn:ServiceTask' })
  type: string;

  @ApiPropertyOptional({ example: 'Send offer' })
  name?: string;
}

export class DiffElementChangeDto {
  @ApiProperty({ example: 'send_welcome' })
  id: string;

  @ApiProperty({ example: 'bpmn:ServiceTask' })
  type: string;

  @ApiPropertyOptional({ example: 'bpmn:Task', description: 'When the element changed type.' })
  previousType?: string;

  @ApiProperty({ type: [String], example: ['name', 'zeebe:TaskHeaders'], description: 'The aspects that changed.' })
  changes: string[];
}

export class DiffFlowDto {
  @ApiProperty({ example: 'to_send_offer' })
  id: string;

  @ApiProperty({ type: String, nullable: true, example: 'send_welcome' })
  sourceRef: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'send_offer' })
  targetRef: string | null;
}

export class DiffFlowChangeDto extends DiffFlowDto {
  @ApiProperty({ type: [String], example: ['conditionExpression'] })
  changes: string[];
}

export class DiffElementsDto {
  @ApiProperty({ type: [DiffElementDto] })
  added: DiffElementDto[];

  @ApiProperty({ type: [DiffElementDto] })
  removed: DiffElementDto[];

  @ApiProperty({ type: [DiffElementChangeDto] })
  changed: DiffElementChangeDto[];
}

export class DiffFlowsDto {
  @ApiProperty({ type: [DiffFlowDto] })
  added: DiffFlowDto[];

  @ApiProperty({ type: [DiffFlowDto] })
  removed: DiffFlowDto[];

  @ApiProperty({ type: [DiffFlowChangeDto] })
  changed: DiffFlowChangeDto[];
}

export class VersionDiffDto {
  @ApiProperty({ description: 'The version this one is compared with.', example: 1 })
  previousVersion: number;

  @ApiProperty({ description: 'Byte for byte the same XML.', example: false })
  identical: boolean;

  @ApiProperty({ description: 'No element or flow changed; the layout may have.', example: false })
  unchanged: boolean;

  @ApiProperty({ type: DiffElementsDto })
  elements: DiffElementsDto;

  @ApiProperty({ type: DiffFlowsDto })
  flows: DiffFlowsDto;
}

export class KpiListenerElementDto {
  @ApiProperty({ example: 'send_welcome' })
  elementId: string;

  @ApiProperty({ example: 'bpmn:ServiceTask' })
  elementType: string;

  @ApiProperty({ type: [String], enum: ['start', 'end'], example: ['start', 'end'] })
  eventTypes: ('start' | 'end')[];
}

export class DeploymentKpiListenersDto {
  @ApiProperty({ example: true })
  enabled: boolean;

  @ApiProperty({ type: String, nullable: true, example: 'travesia.kpi' })
  jobType: string | null;

  @ApiProperty({ type: [KpiListenerElementDto], description: 'Which listeners each element got.' })
  elements: KpiListenerElementDto[];
}

export class DeploymentDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.deploymentId })
  id: string;

  @ApiProperty({ format: 'uuid', example: EXAMPLE.journeyId })
  journeyId: string;

  @ApiProperty({ description: 'The journey version deployed.', example: 2 })
  version: number;

  @ApiProperty({ description: 'Zeebe’s process definition key (int64, as a string).', example: EXAMPLE.processDefinitionKey })
  processDefinitionKey: string;

  @ApiProperty({ description: 'The process definition’s version in Zeebe.', example: 2 })
  zeebeVersion: number;

  @ApiProperty({ type: DeploymentKpiListenersDto })
  kpiListeners: DeploymentKpiListenersDto;

  @ApiProperty({ type: KeyRefDto })
  deployedBy: KeyRefDto;

  @ApiProperty({ format: 'date-time', example: '2025-11-24T16:20:00.000Z' })
  deployedAt: string;
}

/** What listings and reads of a version share. */
class JourneyVersionBaseDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.journeyId })
  journeyId: string;

  @ApiProperty({ example: 2 })
  version: number;

  @ApiProperty({ description: 'Hex SHA-256 of the XML.', example: EXAMPLE.checksum })
  checksum: string;

  @ApiProperty({ type: KeyRefDto, description: 'The API key that added the version.' })
  author: KeyRefDto;

  @ApiProperty({ format: 'date-time', example: '2025-11-24T16:05:00.000Z' })
  createdAt: string;

  @ApiProperty({ description: 'Whether this is the version deployed last.', example: true })
  live: boolean;

  @ApiProperty({ type: VersionDiffDto, nullable: true, description: 'Against the previous version; null for version 1.' })
  diff: VersionDiffDto | null;

  @ApiProperty({ type: [String], description: 'Every message name the process can catch.', example: ['cart.abandoned'] })
  messageNames: string[];

  @ApiProperty({ type: [String], description: 'Names of its message start events.', example: [] })
  startMessageNames: string[];

  @ApiProperty({ type: [String], description: 'Names its running instances can wait for.', example: ['cart.abandoned'] })
  waitingMessageNames: string[];

  @ApiProperty({ type: DeploymentDto, nullable: true, description: 'Its last deploy; null when never deployed.' })
  lastDeployment: DeploymentDto | null;
}

export class JourneyVersionSummaryDto extends JourneyVersionBaseDto {
  @ApiProperty({ type: ValidationSummaryDto })
  validation: ValidationSummaryDto;
}

export class JourneyVersionDto extends JourneyVersionBaseDto {
  @ApiProperty({ type: ValidationDto })
  validation: ValidationDto;

  @ApiProperty({ description: 'The diagram as the analyst drew it.', example: EXAMPLE_BPMN_XML })
  bpmnXml: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'What the engine got at the last deploy (KPI listeners injected).',
    example: EXAMPLE_DEPLOYED_XML,
  })
  deployedXml: string | null;
}

/** Body of a 422: the version has problems that block deploying it. */
export class DiagramProblemsResponseDto {
  @ApiProperty({ example: 422 })
  statusCode: number;

  @ApiProperty({ example: 'Unprocessable Entity' })
  error: string;

  @ApiProperty({ example: 'Expected journey version 2 to have no validation errors before deploying it, but found 1' })
  message: string;

  @ApiProperty({ type: [ValidationProblemDto] })
  problems: ValidationProblemDto[];
}

export function mapValidation(validation: VersionValidation): ValidationDto {
  return { ...mapValidationSummary(validation), problems: validation.problems.map(mapProblem) };
}

export function mapProblem(problem: ValidationProblem): ValidationProblemDto {
  return { elementId: problem.elementId, rule: problem.rule, category: problem.category, message: problem.message };
}

export function mapDeployment(deployment: Omit<JourneyDeploymentEntity, 'deployedXml'>): DeploymentDto {
  return {
    id: deployment.id,
    journeyId: deployment.journeyId,
    version: deployment.versionNumber,
    processDefinitionKey: deployment.processDefinitionKey,
    zeebeVersion: deployment.zeebeVersion,
    kpiListeners: {
      enabled: deployment.kpiListenerJobType !== null,
      jobType: deployment.kpiListenerJobType,
      elements: deployment.kpiListenerElements.map((element) => ({ ...element, eventTypes: [...element.eventTypes] })),
    },
    deployedBy: { keyId: deployment.deployedByKeyId, name: deployment.deployedByName },
    deployedAt: deployment.deployedAt.toISOString(),
  };
}

export function mapVersionSummary(
  version: Omit<JourneyVersionEntity, 'bpmnXml'>,
  context: { liveVersion: number | null; lastDeployment: Omit<JourneyDeploymentEntity, 'deployedXml'> | null },
): JourneyVersionSummaryDto {
  return {
    journeyId: version.journeyId,
    version: version.number,
    checksum: version.checksum,
    author: { keyId: version.authorKeyId, name: version.authorName },
    createdAt: version.createdAt.toISOString(),
    live: context.liveVersion === version.number,
    validation: mapValidationSummary(version.validation),
    diff: version.diff as VersionDiffDto | null,
    messageNames: version.messageNames,
    startMessageNames: version.startMessageNames,
    waitingMessageNames: version.waitingMessageNames,
    lastDeployment: context.lastDeployment ? mapDeployment(context.lastDeployment) : null,
  };
}

export function mapVersion(
  version: JourneyVersionEntity,
  context: { liveVersion: number | null; lastDeployment: JourneyDeploymentEntity | null },
): JourneyVersionDto {
  return {
    ...mapVersionSummary(version, context),
    validation: mapValidation(version.validation),
    bpmnXml: version.bpmnXml,
    deployedXml: context.lastDeployment?.deployedXml ?? null,
  };
}

function mapValidationSummary(validation: VersionValidation): ValidationSummaryDto {
  return {
    valid: validation.valid,
    errorCount: validation.errorCount,
    warningCount: validation.warningCount,
    ruleset: validation.ruleset,
    validatedAt: validation.validatedAt,
  };
}

/**
 * A small journey as a modeller saves it, without the diagram layout: a welcome email, then the
 * goal end event; `listeners` go into the task's extension elements (what a deploy injects).
 */
function exampleBpmnXml(listeners: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="definitions" targetNamespace="http://bpmn.io/schema/bpmn">',
    '  <bpmn:process id="welcome" isExecutable="true">',
    '    <bpmn:startEvent id="start" name="Lead signed up" />',
    '    <bpmn:sequenceFlow id="to_send_welcome" sourceRef="start" targetRef="send_welcome" />',
    '    <bpmn:serviceTask id="send_welcome" name="Send welcome email">',
    `      <bpmn:extensionElements><zeebe:taskDefinition type="touchpoint.email" />${listeners}</bpmn:extensionElements>`,
    '    </bpmn:serviceTask>',
    '    <bpmn:sequenceFlow id="to_end" sourceRef="send_welcome" targetRef="end_converted" />',
    '    <bpmn:endEvent id="end_converted" name="Welcomed" />',
    '  </bpmn:process>',
    '</bpmn:definitions>',
  ].join('\n');
}
