import { DataSource } from 'typeorm';
import { type EngineRecordRow, historyFromRecords, jobsFromRecords } from './engine-record-history';
import { type CustomerInstance, type HistoryJob, type InstanceHistory, InstanceHistoryRepository } from './instance-history.repository';
import type { ElementExit, OpenElementInstance } from './kpi-event.repository';

/** Records one timeline reads at most; an instance looping for ages is cut, and says so. */
const MAX_RECORDS = 20_000;
/** Keys per query: keeps the arrays bound as parameters small. */
const CHUNK = 5_000;

const COLUMNS = `position::text as pos, key::text as key, timestamp, value_type, intent, element_id, bpmn_element_type, value`;

interface RecordDbRow {
  pos: string;
  key: string;
  timestamp: Date;
  value_type: string;
  intent: string;
  element_id: string | null;
  bpmn_element_type: string | null;
  value: Record<string, unknown>;
}

/**
 * History from the embedded engine's record log, `engine.record` (same database, schema
 * `engine`), read through its (process_instance_key, position) index. Read-only — the log is
 * the engine's — except for GDPR erasure, which blanks a customer's variables and message
 * contents in place (the engine only appends to the log and never reads it back).
 */
export class EmbeddedInstanceHistoryRepository extends InstanceHistoryRepository {
  readonly source = 'engine-records' as const;

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async timeline(processInstanceKey: string): Promise<InstanceHistory | null> {
    const rows: RecordDbRow[] = await this.dataSource.query(
      `select ${COLUMNS} from engine.record where process_instance_key = $1::bigint order by position limit ${MAX_RECORDS + 1}`,
      [processInstanceKey],
    );
    const truncated = rows.length > MAX_RECORDS;
    return historyFromRecords(processInstanceKey, rows.slice(0, MAX_RECORDS).map(toRecord), truncated);
  }

  /**
   * Through the partial index `record_element_exit_idx` (its predicate is repeated here so the
   * planner uses it): terminations of any element, completions of the process only — the end
   * listeners report the other completions.
   */
  async exits(candidates: readonly OpenElementInstance[]): Promise<ElementExit[]> {
    const exits: ElementExit[] = [];
    for (const chunk of chunks(candidates)) {
      const rows: { key: string; pik: string; intent: string; timestamp: Date }[] = await this.dataSource.query(
        `select key::text as key, process_instance_key::text as pik, intent, timestamp from engine.record
          where value_type = 'PROCESS_INSTANCE' and (intent = 'ELEMENT_TERMINATED' or (intent = 'ELEMENT_COMPLETED' and bpmn_element_type = 'PROCESS'))
            and key = any($1::bigint[])`,
        [chunk.map((candidate) => candidate.elementInstanceKey)],
      );
      for (const row of rows) {
        exits.push({
          elementInstanceKey: row.key,
          processInstanceKey: row.pik,
          process: row.key === row.pik,
          state: row.intent === 'ELEMENT_COMPLETED' ? 'completed' : 'terminated',
          at: row.timestamp,
        });
      }
    }
    return exits;
  }

  async jobsOfType(processInstanceKeys: readonly string[], typePrefix: string): Promise<HistoryJob[]> {
    const jobs: HistoryJob[] = [];
    for (const instances of chunks([...new Set(processInstanceKeys)])) {
      const rows: (RecordDbRow & { pik: string })[] = await this.dataSource.query(
        `select ${COLUMNS}, process_instance_key::text as pik from engine.record
          where process_instance_key = any($1::bigint[]) and value_type = 'JOB' and starts_with(value->>'type', $2)
          order by position`,
        [instances, typePrefix],
      );
      jobs.push(...jobsFromRecords(rows.map((row) => ({ ...toRecord(row), processInstanceKey: row.pik }))));
    }
    return jobs;
  }

  /**
   * Through the customerId variables in the log. Erasures are rare: this reads the VARIABLE
   * records without an index rather than make every instance's writes pay for one.
   */
  async instancesOfCustomer(externalId: string): Promise<CustomerInstance[]> {
    const rows: { pik: string; ended: boolean }[] = await this.dataSource.query(
      `select v.pik, exists (
                select 1 from engine.record e
                 where e.process_instance_key = v.pik::bigint and e.key = v.pik::bigint and e.value_type = 'PROCESS_INSTANCE'
                   and e.intent in ('ELEMENT_COMPLETED', 'ELEMENT_TERMINATED')
              ) as ended
         from (select distinct process_instance_key::text as pik from engine.record
                where value_type = 'VARIABLE' and value->>'name' = 'customerId' and value->>'value' = $1) v`,
      [JSON.stringify(externalId)],
    );
    return rows.map((row) => ({ processInstanceKey: row.pik, ended: row.ended }));
  }

  async forgetCustomer(externalId: string, processInstanceKeys: readonly string[]): Promise<void> {
    for (const chunk of chunks([...new Set(processInstanceKeys)])) await this.dataSource.query(FORGET_INSTANCE_VARIABLES, [chunk]);
    await this.dataSource.query(FORGET_MESSAGES, [externalId]);
  }
}

/**
 * The customer's variables: a record's `variables` document is emptied, a VARIABLE record's value
 * becomes null, and messages keyed by the customer's id lose their content and that key.
 */
const FORGET_INSTANCE_VARIABLES = `
update engine.record
   set value = case when value_type = 'VARIABLE' then (value::jsonb || '{"value": "null"}')::json
                    else (value::jsonb || '{"variables": {}}')::json end
 where process_instance_key = any($1::bigint[])
   and (value_type = 'VARIABLE' or (value::jsonb ? 'variables' and value::jsonb -> 'variables' <> '{}'::jsonb))`;

const FORGET_MESSAGES = `
update engine.record
   set value = (value::jsonb || jsonb_build_object('variables', '{}'::jsonb, 'correlationKey', '[erased]'))::json
 where value_type in ('MESSAGE', 'MESSAGE_SUBSCRIPTION', 'PROCESS_MESSAGE_SUBSCRIPTION') and value->>'correlationKey' = $1`;

function toRecord(row: RecordDbRow): EngineRecordRow {
  return {
    position: row.pos,
    key: row.key,
    timestamp: row.timestamp,
    valueType: row.value_type,
    intent: row.intent,
    elementId: row.element_id,
    bpmnElementType: row.bpmn_element_type,
    value: row.value,
  };
}

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) result.push(items.slice(i, i + CHUNK));
  return result;
}
