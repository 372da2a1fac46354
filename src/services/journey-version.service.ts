import { Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { AppConfig } from '../config';
import {
  type AuthenticatedKey,
  type CreateJourneyVersionDto,
  type DeploymentDto,
  type JourneyVersionDto,
  type JourneyVersionSummaryDto,
  mapDeployment,
  mapProblem,
  mapValidation,
  mapVersion,
  mapVersionSummary,
  type ValidationDto,
} from '../dtos';
import type { JourneyVersionEntity, ValidationProblem, VersionValidation } from '../entities/journey-version.entity';
import type { JourneyEntity } from '../entities/journey.entity';
import { DiagramProblemsException } from '../middleware/diagram-problems.filter';
import { ValidationFailedException } from '../middleware/validation.pipe';
import {
  type BpmnDocument,
  BpmnLintRepository,
  BpmnModdleRepository,
  BpmnReadError,
  catchableMessagesOf,
  fillFlowNodeReferences,
  flowNodesOf,
  injectKpiListeners,
  JourneyRepository,
  type KpiListenedElement,
  LINT_RULESET,
  type ModdleElement,
  type NewDeployment,
  ProcessDeploymentRepository,
  processesOf,
  summarizeProcess,
} from '../repositories';
import { diffDiagrams } from './diagram-diff';
import { assertNotArchived } from './journey.service';
import { MessageRoutingRefreshService } from './message-routing-refresh.service';

/**
 * Versions of a journey: adding them (stored as drawn, validated, compared with the previous
 * one), validating them with bpmnlint, and deploying them to the engine through the Zeebe
 * client with the KPI execution listeners injected. Roles are checked by the routes' `@Auth`.
 */
@Injectable()
export class JourneyVersionService {
  private readonly logger = new Logger(JourneyVersionService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly journeys: JourneyRepository,
    private readonly bpmn: BpmnModdleRepository,
    private readonly linter: BpmnLintRepository,
    private readonly engine: ProcessDeploymentRepository,
    private readonly routing: MessageRoutingRefreshService,
  ) {}

  async add(auth: AuthenticatedKey, journeyId: string, dto: CreateJourneyVersionDto): Promise<JourneyVersionDto> {
    const journey = await this.requireJourney(journeyId);
    assertNotArchived(journey, 'take new versions');
    const document = await this.readVersionXml(dto.bpmnXml);
    const process = this.journeyProcess(journey, document);
    const summary = summarizeProcess(process);
    const messages = catchableMessagesOf(process);
    const checksum = this.bpmn.checksum(dto.bpmnXml);
    const validation = await this.validateDocument(journey, document);
    const version = await this.journeys.addVersion(journeyId, async (previous) => ({
      bpmnXml: dto.bpmnXml,
      checksum,
      authorKeyId: auth.id,
      authorName: auth.name,
      diff: previous
        ? diffDiagrams({ number: previous.number, checksum: previous.checksum, summary: summarizeProcess(await this.storedProcess(journey, previous)) }, { checksum, summary })
        : null,
      validation,
      messageNames: messages.all,
      startMessageNames: messages.start,
      waitingMessageNames: messages.waiting,
    }));
    this.logger.log(
      `Journey ${journeyId} version ${version.number} added by key ${auth.id} (${auth.name}): ${validation.errorCount} errors, ${validation.warningCount} warnings`,
    );
    return mapVersion(version, { liveVersion: journey.liveVersion, lastDeployment: null });
  }

  /**
   * A draft's validation, stored nowhere: what saving the diagram as a version would find, and
   * what deploying it would refuse (the web modeller's live lint).
   */
  async lint(journeyId: string, dto: CreateJourneyVersionDto): Promise<ValidationDto> {
    const journey = await this.requireJourney(journeyId);
    const document = await this.readVersionXml(dto.bpmnXml);
    this.journeyProcess(journey, document);
    return mapValidation(await this.validateDocument(journey, document));
  }

  async list(journeyId: string): Promise<JourneyVersionSummaryDto[]> {
    const journey = await this.requireJourney(journeyId);
    const [versions, deployments] = await Promise.all([this.journeys.listVersions(journeyId), this.journeys.listDeployments(journeyId)]);
    // Deployments come oldest first, so the last one written per version is its latest.
    const lastDeployment = new Map(deployments.map((deployment) => [deployment.versionNumber, deployment]));
    return versions.map((version) => mapVersionSummary(version, { liveVersion: journey.liveVersion, lastDeployment: lastDeployment.get(version.number) ?? null }));
  }

  async get(journeyId: string, number: number): Promise<JourneyVersionDto> {
    const { journey, version } = await this.requireVersion(journeyId, number);
    return mapVersion(version, { liveVersion: journey.liveVersion, lastDeployment: await this.journeys.latestDeployment(journeyId, number) });
  }

  async listDeployments(journeyId: string): Promise<DeploymentDto[]> {
    await this.requireJourney(journeyId);
    return (await this.journeys.listDeployments(journeyId)).map(mapDeployment);
  }

  /** Validates the version again (rules, or the journey's goal, may have changed since) and stores the result. */
  async validate(journeyId: string, number: number): Promise<ValidationDto> {
    const { journey, version } = await this.requireVersion(journeyId, number);
    return mapValidation((await this.revalidate(journey, version)).validation);
  }

  /**
   * Deploys the version to the engine and makes it live. Refused (409) for an archived journey,
   * (422) for a version with validation errors or one the engine rejects. The engine gets the
   * diagram with the KPI listeners injected, unless the journey turned injection off; that XML
   * is kept with the deployment, while the version keeps the diagram as drawn.
   */
  async deploy(auth: AuthenticatedKey, journeyId: string, number: number): Promise<DeploymentDto> {
    const found = await this.requireVersion(journeyId, number);
    assertNotArchived(found.journey, 'be deployed');
    const { validation } = await this.revalidate(found.journey, found.version);
    if (!validation.valid) {
      const errors = validation.problems.filter((problem) => problem.category === 'error');
      throw new DiagramProblemsException(
        `Expected journey version ${number} to have no validation errors before deploying it, but found ${errors.length}`,
        errors.map(mapProblem),
      );
    }
    const { deployment } = await this.journeys.deployVersion(journeyId, number, async (journey) => {
      // Checked again under the journey's lock: it may have been archived meanwhile.
      assertNotArchived(journey, 'be deployed');
      return this.deployToEngine(auth, journey, found.version);
    });
    this.logger.log(
      `Journey ${journeyId} version ${number} deployed by key ${auth.id} (${auth.name}) as ${found.journey.processId} v${deployment.zeebeVersion} (key ${deployment.processDefinitionKey})`,
    );
    // The new version's messages must be routed before customers reach its catch events.
    await this.routing.refresh();
    return mapDeployment(deployment);
  }

  private async deployToEngine(auth: AuthenticatedKey, journey: JourneyEntity, version: JourneyVersionEntity): Promise<NewDeployment> {
    const jobType = journey.kpiListenersEnabled ? (journey.kpiListenerJobType ?? this.config.kpi.listenerJobType) : null;
    const { xml, listened } = await this.deployableXml(journey, version, jobType);
    const outcome = await this.engine.deploy(`${journey.processId}.bpmn`, xml);
    if (outcome.status === 'unavailable') {
      throw new ServiceUnavailableException(`Expected the Zeebe gateway at ${this.engine.gateway} to take the deployment, but it did not answer: ${outcome.reason}`);
    }
    if (outcome.status === 'rejected') {
      throw new DiagramProblemsException(
        `Expected the engine to accept journey version ${version.number}, but it rejected it`,
        outcome.problems.map((problem) => ({
          elementId: problem.elementId ?? journey.processId,
          rule: 'zeebe/deployment',
          category: 'error',
          message: problem.message,
        })),
      );
    }
    const process = outcome.processes.find((deployed) => deployed.bpmnProcessId === journey.processId);
    if (!process) throw new Error(`Expected the deployment to hold process '${journey.processId}', but it held ${outcome.processes.map((p) => p.bpmnProcessId).join(', ')}`);
    return {
      processDefinitionKey: process.processDefinitionKey,
      zeebeVersion: process.version,
      deployedXml: xml,
      kpiListenerJobType: jobType,
      kpiListenerElements: listened,
      deployedByKeyId: auth.id,
      deployedByName: auth.name,
    };
  }

  /** The XML the engine gets: as drawn, plus the KPI listeners when `jobType` is given. */
  private async deployableXml(
    journey: JourneyEntity,
    version: JourneyVersionEntity,
    jobType: string | null,
  ): Promise<{ xml: string; listened: KpiListenedElement[] }> {
    if (jobType === null) return { xml: version.bpmnXml, listened: [] };
    const document = await this.bpmn.read(version.bpmnXml);
    const process = this.journeyProcess(journey, document);
    const listened = injectKpiListeners(process, jobType, (type, attrs) => this.bpmn.create(type, attrs));
    return { xml: await this.bpmn.write(document.definitions), listened };
  }

  private async revalidate(journey: JourneyEntity, version: JourneyVersionEntity): Promise<JourneyVersionEntity> {
    const validation = await this.validateDocument(journey, await this.bpmn.read(version.bpmnXml));
    return this.journeys.saveValidation(version, validation);
  }

  /**
   * bpmn-moddle's import warnings, bpmnlint (recommended + camunda-compat 8.8) and the journey's
   * own rules, per element. Errors block deploying; warnings do not.
   */
  private async validateDocument(journey: JourneyEntity, document: BpmnDocument): Promise<VersionValidation> {
    const processes = processesOf(document.definitions);
    for (const process of processes) fillFlowNodeReferences(process);
    const problems: ValidationProblem[] = [
      ...importProblems(document),
      ...(await this.linter.lint(document.definitions)),
      ...journeyProblems(journey, processes),
    ];
    const errorCount = problems.filter((problem) => problem.category === 'error').length;
    return {
      valid: errorCount === 0,
      errorCount,
      warningCount: problems.length - errorCount,
      problems: problems.sort((a, b) => (a.category === b.category ? 0 : a.category === 'error' ? -1 : 1)),
      ruleset: `${LINT_RULESET} + travesia`,
      validatedAt: new Date().toISOString(),
    };
  }

  /** 400 when the body's XML is not a BPMN document. */
  private async readVersionXml(xml: string): Promise<BpmnDocument> {
    try {
      return await this.bpmn.read(xml);
    } catch (error) {
      if (error instanceof BpmnReadError) {
        throw new ValidationFailedException([{ field: 'bpmnXml', messages: [`bpmnXml must be a BPMN 2.0 XML document: ${error.message}`] }]);
      }
      throw error;
    }
  }

  /** The journey's process in the document; 400 when the diagram does not define it. */
  private journeyProcess(journey: JourneyEntity, document: BpmnDocument): ModdleElement {
    const processes = processesOf(document.definitions);
    const process = processes.find((candidate) => candidate.id === journey.processId);
    if (!process) {
      const found = processes.length > 0 ? processes.map((p) => `'${p.id}'`).join(', ') : 'no process';
      throw new ValidationFailedException([
        { field: 'bpmnXml', messages: [`bpmnXml must define the journey's process '${journey.processId}', but it defines ${found}`] },
      ]);
    }
    return process;
  }

  private async storedProcess(journey: JourneyEntity, version: JourneyVersionEntity): Promise<ModdleElement> {
    return this.journeyProcess(journey, await this.bpmn.read(version.bpmnXml));
  }

  private async requireJourney(id: string): Promise<JourneyEntity> {
    const journey = await this.journeys.find(id);
    if (!journey) throw new NotFoundException(`Expected the id of a journey, found no journey ${id}`);
    return journey;
  }

  private async requireVersion(journeyId: string, number: number): Promise<{ journey: JourneyEntity; version: JourneyVersionEntity }> {
    const journey = await this.requireJourney(journeyId);
    const version = await this.journeys.findVersion(journeyId, number);
    if (!version) {
      throw new NotFoundException(
        `Expected a version of journey ${journeyId} (${journey.latestVersion ? `1 to ${journey.latestVersion}` : 'it has none yet'}), found no version ${number}`,
      );
    }
    return { journey, version };
  }
}

/** bpmn-moddle's import warnings: an unresolved reference breaks the diagram, the rest is noise worth seeing. */
function importProblems(document: BpmnDocument): ValidationProblem[] {
  return document.warnings.map((warning) => ({
    elementId: warning.element?.id ?? document.definitions.id ?? '',
    rule: 'bpmn-moddle/import',
    category: warning.message.startsWith('unresolved reference') ? 'error' : 'warn',
    message: warning.message,
  }));
}

/** The journey's own rules: one executable process, the journey's; the goal exists; messages are routable. */
function journeyProblems(journey: JourneyEntity, processes: ModdleElement[]): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const process = processes.find((candidate) => candidate.id === journey.processId);
  if (process && process.get('isExecutable') !== true) {
    problems.push({
      elementId: journey.processId,
      rule: 'travesia/executable-journey',
      category: 'error',
      message: `Process '${journey.processId}' must be executable (isExecutable="true") to be deployed`,
    });
  }
  for (const other of processes.filter((candidate) => candidate !== process && candidate.get('isExecutable') === true)) {
    problems.push({
      elementId: other.id ?? '',
      rule: 'travesia/single-process',
      category: 'error',
      message: `A journey deploys one process, '${journey.processId}'; mark process '${other.id}' as not executable or move it to a journey of its own`,
    });
  }
  if (!process) return problems;
  const nodes = flowNodesOf(process);
  if (journey.goal?.type === 'end_event') {
    const goalId = journey.goal.endEventId;
    const goal = nodes.find((node) => node.id === goalId);
    if (goal?.$type !== 'bpmn:EndEvent') {
      problems.push({
        elementId: journey.processId,
        rule: 'travesia/goal',
        category: 'warn',
        message: `The journey's goal is end event '${goalId}', but the diagram has ${goal ? `a ${goal.$type} with that id` : 'no element with that id'}: conversions cannot be counted`,
      });
    }
  }
  for (const elementId of catchableMessagesOf(process).dynamicElementIds) {
    problems.push({
      elementId,
      rule: 'travesia/message-name',
      category: 'warn',
      message: 'The message name is a FEEL expression: customer events cannot be routed to it by name, only published explicitly',
    });
  }
  return problems;
}
