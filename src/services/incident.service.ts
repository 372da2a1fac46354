import { Injectable, Logger, NotFoundException, NotImplementedException } from '@nestjs/common';
import {
  type AuthenticatedKey,
  type IncidentActionDto,
  type IncidentContext,
  type IncidentDto,
  type IncidentRow,
  type ListIncidentsQueryDto,
  mapIncident,
  type RetryIncidentDto,
} from '../dtos';
import { EngineCommandError, EnrolmentRepository, IncidentRepository, IncidentsUnreadableError, JourneyRepository, ProcessInstanceRepository } from '../repositories';
import { engineHttpError } from './engine-errors';
import { EnrolmentService } from './enrolment.service';

/**
 * Incidents of journey instances, for process owners: the open ones (read from the engine
 * through {@link IncidentRepository}), with their journey and enrolment; retrying one (a job
 * incident gets its job retries back, then the incident is resolved and the element runs again)
 * and cancelling the instance of one. Commands go through the Zeebe client; the engine's
 * refusals become 404 / 409 / 400 (see engineHttpError). Roles are checked by the routes
 * (owner; admin).
 */
@Injectable()
export class IncidentService {
  private readonly logger = new Logger(IncidentService.name);

  constructor(
    private readonly incidents: IncidentRepository,
    private readonly journeys: JourneyRepository,
    private readonly enrolments: EnrolmentRepository,
    private readonly instances: ProcessInstanceRepository,
    private readonly enrolment: EnrolmentService,
  ) {}

  async list(query: ListIncidentsQueryDto): Promise<IncidentDto[]> {
    let bpmnProcessId: string | undefined;
    if (query.journeyId) {
      const journey = await this.journeys.find(query.journeyId);
      if (!journey) throw new NotFoundException(`Expected the id of a journey, found no journey ${query.journeyId}`);
      bpmnProcessId = journey.processId;
    }
    const rows = await this.read(() => this.incidents.listOpen({ bpmnProcessId, processInstanceKey: query.processInstanceKey, limit: query.limit }));
    const contexts = await this.contexts(rows);
    return rows.map((row) => mapIncident(row, contexts.get(row.key) as IncidentContext));
  }

  /** Job incidents: the job gets `retries` (default 1), then the incident is resolved. Other incidents: resolved. */
  async retry(auth: AuthenticatedKey, key: string, dto: RetryIncidentDto): Promise<IncidentActionDto> {
    const incident = await this.require(key);
    const retries = dto.retries ?? 1;
    if (incident.jobKey !== null) await this.command(() => this.instances.updateJobRetries(incident.jobKey as string, retries), `give job ${incident.jobKey} ${retries} retries`);
    await this.command(() => this.instances.resolveIncident(key), `resolve incident ${key}`);
    this.logger.log(`Incident ${key} (${incident.errorType} at ${incident.elementId}, instance ${incident.processInstanceKey}) retried by key ${auth.id} (${auth.name})`);
    return {
      incidentKey: key,
      processInstanceKey: incident.processInstanceKey,
      action: incident.jobKey !== null ? 'retried' : 'resolved',
      jobKey: incident.jobKey,
      retries: incident.jobKey !== null ? retries : null,
    };
  }

  /** Cancels the instance the incident stopped (the root instance: Zeebe refuses to cancel a called one, 409). */
  async cancel(auth: AuthenticatedKey, key: string): Promise<IncidentActionDto> {
    const incident = await this.require(key);
    await this.command(() => this.instances.cancel(incident.processInstanceKey), `cancel process instance ${incident.processInstanceKey}`);
    await this.enrolment.instanceCancelled(incident.processInstanceKey, { keyId: auth.id, name: auth.name });
    this.logger.log(`Instance ${incident.processInstanceKey} of incident ${key} cancelled by key ${auth.id} (${auth.name})`);
    return { incidentKey: key, processInstanceKey: incident.processInstanceKey, action: 'cancelled', jobKey: incident.jobKey, retries: null };
  }

  private async require(key: string): Promise<IncidentRow> {
    const incident = await this.read(() => this.incidents.findOpen(key));
    if (!incident) throw new NotFoundException(`Expected the key of an open incident, found none with key ${key} (it may have been resolved)`);
    return incident;
  }

  /** The journey (by bpmnProcessId) and enrolment (by instance) of each incident, by incident key. */
  private async contexts(rows: readonly IncidentRow[]): Promise<Map<string, IncidentContext>> {
    const contexts = new Map<string, IncidentContext>();
    if (rows.length === 0) return contexts;
    const journeys = new Map((await this.journeys.list({ includeArchived: true })).map((journey) => [journey.processId, journey]));
    const versions = new Map<string, number | null>();
    for (const definitionKey of new Set(rows.map((row) => row.processDefinitionKey))) {
      versions.set(definitionKey, (await this.journeys.findDeploymentByDefinitionKey(definitionKey))?.versionNumber ?? null);
    }
    const enrolments = new Map((await this.enrolments.findByInstanceKeys(rows.map((row) => row.processInstanceKey))).map((e) => [e.processInstanceKey, e]));
    for (const row of rows) {
      const journey = journeys.get(row.bpmnProcessId);
      const enrolment = enrolments.get(row.processInstanceKey);
      contexts.set(row.key, {
        journey: journey ? { id: journey.id, name: journey.name, version: versions.get(row.processDefinitionKey) ?? null } : null,
        enrolment: enrolment ? { id: enrolment.id, customerId: enrolment.customerExternalId } : null,
      });
    }
    return contexts;
  }

  /** Reads incidents; 501 when this kind of engine cannot list them (a real Zeebe, see ZeebeIncidentRepository). */
  private async read<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      if (error instanceof IncidentsUnreadableError) throw new NotImplementedException(error.message);
      throw error;
    }
  }

  private async command(command: () => Promise<void>, what: string): Promise<void> {
    try {
      await command();
    } catch (error) {
      if (error instanceof EngineCommandError) throw engineHttpError(error, what);
      throw error;
    }
  }
}
