import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { KpiListenerElement } from '../entities/journey-deployment.entity';
import type { JourneyGoal } from '../entities/journey.entity';
import { processesOf } from './bpmn-diagram';
import { BpmnModdleRepository } from './bpmn-moddle.repository';
import { type JourneyElement, journeyElementsOf } from './journey-elements';

/** Which KPI listeners an element had at deploy: both, or only one of them. */
export type Listened = 'start' | 'end' | 'both';

/** What the KPI worker needs to know about the process definition of a listener job. */
export interface ListenerLayout {
  readonly journeyId: string;
  readonly versionNumber: number;
  readonly processDefinitionKey: string;
  /** By element id; the process itself included when it got its end listener. */
  readonly elements: ReadonlyMap<string, ListenedElement>;
}

export interface ListenedElement {
  readonly type: string;
  /**
   * `both` for an event-based gateway whose events have KPI listeners, although it has only a
   * start listener: it waits, and its end is written when one of its events starts.
   */
  readonly listened: Listened;
  /** The event-based gateway that this element's start leaves. */
  readonly leaves?: string;
}

export type ListenerLayoutLookup =
  | { readonly status: 'found'; readonly layout: ListenerLayout }
  /** A journey has the process id, but no deploy of it made this version (yet). */
  | { readonly status: 'not-deployed'; readonly journeyId: string }
  | { readonly status: 'not-a-journey' };

export interface JourneyRef {
  readonly id: string;
  readonly name: string;
  readonly processId: string;
  readonly goal: JourneyGoal | null;
}

/** A deployed journey version as KPIs and history read it: its elements, from the deployed XML. */
export interface DeploymentModel {
  readonly journey: JourneyRef;
  readonly versionNumber: number;
  readonly processDefinitionKey: string;
  readonly zeebeVersion: number;
  /** Null when the deploy injected no KPI listeners. */
  readonly kpiListenerJobType: string | null;
  readonly listeners: readonly KpiListenerElement[];
  readonly elements: ReadonlyMap<string, JourneyElement>;
}

interface DeploymentRow {
  id: string;
  journey_id: string;
  journey_name: string;
  process_id: string;
  goal: JourneyGoal | null;
  version_number: number;
  process_definition_key: string;
  zeebe_version: number;
  kpi_listener_job_type: string | null;
  kpi_listener_elements: KpiListenerElement[];
}

const DEPLOYMENT_COLUMNS = `d.id, d.journey_id, j.name as journey_name, j.process_id, j.goal, d.version_number, d.process_definition_key,
  d.zeebe_version, d.kpi_listener_job_type, d.kpi_listener_elements`;
/** Deployments are immutable, so their layouts and models are cached; this many of each. */
const CACHE_SIZE = 500;

/**
 * Reads deployed journey versions for the KPI worker, KPIs and history, caching what it read:
 * a deployment never changes once written.
 */
@Injectable()
export class JourneyModelRepository {
  private readonly layouts = new BoundedCache<string, ListenerLayout>(CACHE_SIZE);
  private readonly models = new BoundedCache<string, Promise<DeploymentModel>>(CACHE_SIZE);

  constructor(
    private readonly dataSource: DataSource,
    private readonly bpmn: BpmnModdleRepository,
  ) {}

  /**
   * The listener layout of version `zeebeVersion` of process `bpmnProcessId` (the Job port names
   * a definition that way). When one Zeebe version was deployed for several journey versions
   * (identical diagrams), the first deploy's journey version counts.
   */
  async listenerLayout(bpmnProcessId: string, zeebeVersion: number): Promise<ListenerLayoutLookup> {
    const cacheKey = `${bpmnProcessId}\u0000${zeebeVersion}`;
    const cached = this.layouts.get(cacheKey);
    if (cached) return { status: 'found', layout: cached };
    const rows: { journey_id: string; version_number: number | null; process_definition_key: string | null; kpi_listener_elements: KpiListenerElement[] | null }[] =
      await this.dataSource.query(
        `select j.id as journey_id, d.version_number, d.process_definition_key, d.kpi_listener_elements
           from travesia.journey j
           left join lateral (
             select * from travesia.journey_deployment d where d.journey_id = j.id and d.zeebe_version = $2 order by d.deployed_at limit 1
           ) d on true
          where j.process_id = $1`,
        [bpmnProcessId, zeebeVersion],
      );
    const row = rows[0];
    if (!row) return { status: 'not-a-journey' };
    if (row.version_number === null || row.process_definition_key === null) return { status: 'not-deployed', journeyId: row.journey_id };
    const listeners = row.kpi_listener_elements ?? [];
    const waitingGateways = new Set(listeners.flatMap((element) => (element.leaves ? [element.leaves] : [])));
    const layout: ListenerLayout = {
      journeyId: row.journey_id,
      versionNumber: row.version_number,
      processDefinitionKey: row.process_definition_key,
      elements: new Map(
        listeners.map((element): [string, ListenedElement] => [
          element.elementId,
          {
            type: element.elementType,
            listened: waitingGateways.has(element.elementId) ? 'both' : listenedOf(element.eventTypes),
            ...(element.leaves ? { leaves: element.leaves } : {}),
          },
        ]),
      ),
    };
    this.layouts.set(cacheKey, layout);
    return { status: 'found', layout };
  }

  /** The model of the version's latest deploy, or null when the version was never deployed. */
  async latestModel(journeyId: string, versionNumber: number): Promise<DeploymentModel | null> {
    const rows: DeploymentRow[] = await this.dataSource.query(
      `select ${DEPLOYMENT_COLUMNS} from travesia.journey_deployment d join travesia.journey j on j.id = d.journey_id
        where d.journey_id = $1 and d.version_number = $2 order by d.deployed_at desc limit 1`,
      [journeyId, versionNumber],
    );
    return rows[0] ? this.model(rows[0]) : null;
  }

  /** The model of the first deploy that made this process definition, or null when no journey deploy made it. */
  async modelByDefinitionKey(processDefinitionKey: string): Promise<DeploymentModel | null> {
    const rows: DeploymentRow[] = await this.dataSource.query(
      `select ${DEPLOYMENT_COLUMNS} from travesia.journey_deployment d join travesia.journey j on j.id = d.journey_id
        where d.process_definition_key = $1 order by d.deployed_at limit 1`,
      [processDefinitionKey],
    );
    return rows[0] ? this.model(rows[0]) : null;
  }

  private model(row: DeploymentRow): Promise<DeploymentModel> {
    let model = this.models.get(row.id);
    if (!model) {
      model = this.parse(row);
      model.catch(() => this.models.delete(row.id));
      this.models.set(row.id, model);
    }
    return model;
  }

  private async parse(row: DeploymentRow): Promise<DeploymentModel> {
    const [{ deployed_xml: xml }]: { deployed_xml: string }[] = await this.dataSource.query(
      `select deployed_xml from travesia.journey_deployment where id = $1`,
      [row.id],
    );
    const document = await this.bpmn.read(xml);
    const process = processesOf(document.definitions).find((candidate) => candidate.id === row.process_id);
    const elements = process ? journeyElementsOf(process) : [];
    return {
      journey: { id: row.journey_id, name: row.journey_name, processId: row.process_id, goal: row.goal },
      versionNumber: row.version_number,
      processDefinitionKey: row.process_definition_key,
      zeebeVersion: row.zeebe_version,
      kpiListenerJobType: row.kpi_listener_job_type,
      listeners: row.kpi_listener_elements,
      elements: new Map(elements.map((element) => [element.id, element])),
    };
  }
}

function listenedOf(eventTypes: readonly ('start' | 'end')[]): Listened {
  const start = eventTypes.includes('start');
  const end = eventTypes.includes('end');
  return start && end ? 'both' : start ? 'start' : 'end';
}

/** A Map that forgets its oldest entries beyond `size`. */
class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly size: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.set(key, value);
    if (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value as K);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}
