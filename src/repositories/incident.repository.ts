import type { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config';
import type { IncidentRow } from '../dtos';

export interface IncidentFilter {
  readonly bpmnProcessId?: string;
  readonly processInstanceKey?: string;
  readonly limit: number;
}

/** The engine's open incidents cannot be read from this kind of engine (see ZeebeIncidentRepository). */
export class IncidentsUnreadableError extends Error {}

/**
 * Port: the engine's open incidents. Zeebe's gateway protocol can resolve an incident but not
 * list one, so each engine gets its own implementation (see {@link incidentProvider}).
 */
export abstract class IncidentRepository {
  /** Open incidents, oldest first. */
  abstract listOpen(filter: IncidentFilter): Promise<IncidentRow[]>;
  /** The open incident with this key; null when there is none (never raised, or resolved). */
  abstract findOpen(key: string): Promise<IncidentRow | null>;
}

interface RawIncident {
  key: string;
  created_at: Date;
  error_type: string;
  error_message: string;
  bpmn_process_id: string;
  process_definition_key: string;
  process_instance_key: string;
  element_id: string;
  element_instance_key: string;
  job_key: string | null;
}

/**
 * The embedded engine: an incident is open while its INCIDENT CREATED record has no RESOLVED
 * record (both carry the incident's key) in `engine.record`. The partial index
 * `record_incident_idx` (migration Enrolments) keeps this from scanning the whole log.
 */
export class EngineRecordIncidentRepository extends IncidentRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async listOpen(filter: IncidentFilter): Promise<IncidentRow[]> {
    const rows: RawIncident[] = await this.dataSource.query(
      `${OPEN_INCIDENTS}
          and ($1::text is null or c.value->>'bpmnProcessId' = $1)
          and ($2::bigint is null or c.process_instance_key = $2::bigint)
        order by c.position limit $3`,
      [filter.bpmnProcessId ?? null, filter.processInstanceKey ?? null, filter.limit],
    );
    return rows.map(toIncidentRow);
  }

  async findOpen(key: string): Promise<IncidentRow | null> {
    const rows: RawIncident[] = await this.dataSource.query(`${OPEN_INCIDENTS} and c.key = $1::bigint`, [key]);
    return rows.length ? toIncidentRow(rows[0]) : null;
  }
}

// Keys are read as text: they are int64, and JSON numbers would lose digits beyond 2^53.
const OPEN_INCIDENTS = `
  select c.key::text as key, c.timestamp as created_at, c.value->>'errorType' as error_type, c.value->>'errorMessage' as error_message,
         c.value->>'bpmnProcessId' as bpmn_process_id, c.value->>'processDefinitionKey' as process_definition_key,
         c.process_instance_key::text as process_instance_key, c.value->>'elementId' as element_id,
         c.value->>'elementInstanceKey' as element_instance_key, c.value->>'jobKey' as job_key
    from engine.record c
   where c.value_type = 'INCIDENT' and c.intent = 'CREATED'
     and not exists (select 1 from engine.record r where r.key = c.key and r.value_type = 'INCIDENT' and r.intent = 'RESOLVED')`;

/**
 * A real Zeebe: open incidents are only readable from its exporters' data — Operate's API
 * (`POST /v1/incidents/search` with state ACTIVE) or, from Camunda 8.8, the orchestration REST
 * API (`POST /v2/incidents/search`), both backed by secondary storage (Elasticsearch,
 * OpenSearch or an RDBMS) and authenticated separately. Until this service is configured with
 * one of them, listing and acting on incidents by key is refused with a clear message.
 */
export class ZeebeIncidentRepository extends IncidentRepository {
  listOpen(): Promise<IncidentRow[]> {
    return Promise.reject(unreadable());
  }

  findOpen(): Promise<IncidentRow | null> {
    return Promise.reject(unreadable());
  }
}

function unreadable(): IncidentsUnreadableError {
  return new IncidentsUnreadableError(
    "Incidents of an external Zeebe (ZEEBE_GRPC_ADDRESS) cannot be read through the Zeebe gateway protocol; they need Operate's API or the Camunda 8.8 REST API, which this service is not configured for. Use Operate to list and resolve them.",
  );
}

function toIncidentRow(raw: RawIncident): IncidentRow {
  return {
    key: raw.key,
    errorType: raw.error_type,
    errorMessage: raw.error_message,
    bpmnProcessId: raw.bpmn_process_id,
    processDefinitionKey: raw.process_definition_key,
    processInstanceKey: raw.process_instance_key,
    elementId: raw.element_id,
    elementInstanceKey: raw.element_instance_key,
    // -1 when the incident is not about a job.
    jobKey: raw.job_key !== null && /^[1-9]\d*$/.test(raw.job_key) ? raw.job_key : null,
    createdAt: raw.created_at,
  };
}

/** The embedded engine's records when this service runs it (no ZEEBE_GRPC_ADDRESS); unreadable otherwise. */
export const incidentProvider: Provider = {
  provide: IncidentRepository,
  inject: [AppConfig, DataSource],
  useFactory: (config: AppConfig, dataSource: DataSource) => (config.zeebe.grpcAddress ? new ZeebeIncidentRepository() : new EngineRecordIncidentRepository(dataSource)),
};
