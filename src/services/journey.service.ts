import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { AppConfig } from '../config';
import {
  type AuthenticatedKey,
  type CreateJourneyDto,
  type JourneyDto,
  type ListJourneysQueryDto,
  mapJourney,
  toJourneyGoal,
  type UpdateJourneyDto,
} from '../dtos';
import type { KpiListenerElement } from '../entities/journey-deployment.entity';
import type { JourneyEntity } from '../entities/journey.entity';
import { type JourneyChanges, JourneyRepository } from '../repositories';

/**
 * Journeys: one BPMN process each, with versions (see JourneyVersionService). Who may call what
 * is decided by the routes' `@Auth(...)` roles (analysts write, owners read), checked by the
 * guard before these methods run.
 */
@Injectable()
export class JourneyService {
  private readonly logger = new Logger(JourneyService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly journeys: JourneyRepository,
  ) {}

  async create(auth: AuthenticatedKey, dto: CreateJourneyDto): Promise<JourneyDto> {
    const journey = await this.journeys.create({
      processId: dto.processId,
      name: dto.name,
      description: dto.description ?? null,
      goal: dto.goal ? toJourneyGoal(dto.goal) : null,
      reentry: dto.reentry ?? 'never',
      kpiListenersEnabled: dto.kpiListeners?.enabled ?? true,
      kpiListenerJobType: dto.kpiListeners?.jobType ?? null,
      createdByKeyId: auth.id,
      createdByName: auth.name,
    });
    if (!journey) throw new ConflictException(`Expected a process id no other journey uses, but journey processId '${dto.processId}' exists already`);
    this.logger.log(`Journey ${journey.id} (${journey.processId}) created by key ${auth.id} (${auth.name})`);
    return this.map(journey);
  }

  async list(query: ListJourneysQueryDto): Promise<JourneyDto[]> {
    return (await this.journeys.list({ includeArchived: query.includeArchived ?? false })).map((journey) => this.map(journey));
  }

  async get(id: string): Promise<JourneyDto> {
    return this.map(await this.require(id));
  }

  async update(auth: AuthenticatedKey, id: string, dto: UpdateJourneyDto): Promise<JourneyDto> {
    const journey = await this.require(id);
    assertNotArchived(journey, 'be changed');
    const changes: JourneyChanges = {
      ...(dto.name !== undefined ? { name: dto.name } : {}),
      ...(dto.description !== undefined ? { description: dto.description } : {}),
      ...(dto.goal !== undefined ? { goal: dto.goal ? toJourneyGoal(dto.goal) : null } : {}),
      ...(dto.reentry !== undefined ? { reentry: dto.reentry } : {}),
      ...(dto.kpiListeners?.enabled !== undefined ? { kpiListenersEnabled: dto.kpiListeners.enabled } : {}),
      ...(dto.kpiListeners?.jobType !== undefined ? { kpiListenerJobType: dto.kpiListeners.jobType } : {}),
    };
    const updated = await this.journeys.update(id, changes);
    this.logger.log(`Journey ${id} updated (${Object.keys(changes).join(', ') || 'nothing'}) by key ${auth.id} (${auth.name})`);
    return this.map(updated);
  }

  /** Soft: the journey, its versions and deployments stay readable; it can no longer be changed, deployed or enrolled into. */
  async archive(auth: AuthenticatedKey, id: string): Promise<JourneyDto> {
    await this.require(id);
    const journey = await this.journeys.archive(id);
    this.logger.log(`Journey ${id} archived by key ${auth.id} (${auth.name})`);
    return this.map(journey);
  }

  /**
   * The message names that deployed journeys can catch, to decide which customer events become
   * BPMN messages (the customers & events side's MessageRoutingTable). A superset on purpose:
   * - every name a running instance may wait for, in any version ever deployed (instances of
   *   an older version, or of an archived journey, still wait where they are);
   * - the message start events of live versions of journeys that are not archived (Zeebe keeps
   *   only the latest version's start subscriptions; an archived journey takes no new customers).
   * Names given as FEEL expressions are unknown until an instance runs, so they are not here.
   */
  async catchableMessageNames(): Promise<Set<string>> {
    const names = new Set<string>();
    for (const version of await this.journeys.deployedMessageNames()) {
      for (const name of version.waitingMessageNames) names.add(name);
      if (version.live && !version.archived) for (const name of version.startMessageNames) names.add(name);
    }
    return names;
  }

  /**
   * Which KPI listeners each element of a deployed process definition carries, or null for a
   * definition no journey deploy made. For the KPI worker: the job of an execution listener
   * does not say whether it is the start or the end listener through the Zeebe client this
   * service uses (@camunda8/sdk 8.8's gateway proto has no job kind nor listener event type),
   * so the worker tells them apart with this layout: an element with only one listener has that
   * one; with both, the start job of an element instance comes first, and its end job is only
   * created once the start job completed.
   */
  async kpiListenerElements(processDefinitionKey: string): Promise<KpiListenerElement[] | null> {
    return (await this.journeys.findDeploymentByDefinitionKey(processDefinitionKey))?.kpiListenerElements ?? null;
  }

  private async require(id: string): Promise<JourneyEntity> {
    const journey = await this.journeys.find(id);
    if (!journey) throw new NotFoundException(`Expected the id of a journey, found no journey ${id}`);
    return journey;
  }

  private map(journey: JourneyEntity): JourneyDto {
    return mapJourney(journey, this.config.kpi.listenerJobType);
  }
}

/** 409 when the journey is archived: `what` says what it cannot do, e.g. "be deployed". */
export function assertNotArchived(journey: JourneyEntity, what: string): void {
  if (journey.archivedAt) {
    throw new ConflictException(`Journey ${journey.id} (${journey.processId}) is archived since ${journey.archivedAt.toISOString()}; it cannot ${what}`);
  }
}
