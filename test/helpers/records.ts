import type { Pool } from 'pg';

/** One row of `engine.record`, with camel-cased fields; keys stay decimal strings (bigint). */
export interface RecordRow {
  position: number;
  key: string;
  valueType: string;
  intent: string;
  processInstanceKey: string;
  elementId: string | null;
  bpmnElementType: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  value: Record<string, any>;
}

export interface RecordFilter {
  processInstanceKey?: string | number;
  valueType?: string;
  intent?: string;
  elementId?: string;
  bpmnElementType?: string;
  /** Only records after this position. */
  after?: number;
}

const COLUMNS = `position, key::text as key, value_type, intent, process_instance_key::text as pik, element_id, bpmn_element_type, value`;

function toRow(row: Record<string, unknown>): RecordRow {
  return {
    position: Number(row.position),
    key: row.key as string,
    valueType: row.value_type as string,
    intent: row.intent as string,
    processInstanceKey: row.pik as string,
    elementId: (row.element_id as string | null) ?? null,
    bpmnElementType: (row.bpmn_element_type as string | null) ?? null,
    value: row.value as Record<string, unknown>,
  };
}

/** The records matching `filter`, in log order. */
export async function records(db: Pool, filter: RecordFilter = {}): Promise<RecordRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.processInstanceKey !== undefined) add('process_instance_key = ?::bigint', String(filter.processInstanceKey));
  if (filter.valueType !== undefined) add('value_type = ?', filter.valueType);
  if (filter.intent !== undefined) add('intent = ?', filter.intent);
  if (filter.elementId !== undefined) add('element_id = ?', filter.elementId);
  if (filter.bpmnElementType !== undefined) add('bpmn_element_type = ?', filter.bpmnElementType);
  if (filter.after !== undefined) add('position > ?', filter.after);
  const sql = `select ${COLUMNS} from engine.record ${where.length ? `where ${where.join(' and ')}` : ''} order by position`;
  const { rows } = await db.query(sql, params);
  return rows.map(toRow);
}

/** Every record of one process instance, in log order. */
export function instanceRecords(db: Pool, processInstanceKey: string | number, filter: Omit<RecordFilter, 'processInstanceKey'> = {}) {
  return records(db, { ...filter, processInstanceKey });
}

/** Polls until a record matching `filter` exists and returns the first one. */
export async function waitForRecord(db: Pool, filter: RecordFilter, timeoutMs = 5000): Promise<RecordRow> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await records(db, filter);
    if (found.length > 0) return found[0];
    if (Date.now() > until) throw new Error(`No record matching ${JSON.stringify(filter)} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until the process instance's PROCESS element completed or was terminated. */
export async function waitForInstanceEnd(db: Pool, processInstanceKey: string | number, timeoutMs = 5000): Promise<RecordRow> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = (await records(db, { processInstanceKey, bpmnElementType: 'PROCESS' })).find(
      (r) => r.intent === 'ELEMENT_COMPLETED' || r.intent === 'ELEMENT_TERMINATED',
    );
    if (found) return found;
    if (Date.now() > until) throw new Error(`Process instance ${processInstanceKey} did not end within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** PROCESS_INSTANCE records as `elementId:INTENT` strings (ELEMENT_ prefix dropped), in order. */
export function lifecycle(rows: RecordRow[], elementIds?: string[]): string[] {
  return rows
    .filter((r) => r.valueType === 'PROCESS_INSTANCE' && (!elementIds || elementIds.includes(r.elementId ?? '')))
    .map((r) => `${r.elementId}:${r.intent.replace(/^ELEMENT_/, '')}`);
}

/** Element ids of the PROCESS_INSTANCE records with `intent`, in order. */
export function elementsWith(rows: RecordRow[], intent: string): string[] {
  return rows.filter((r) => r.valueType === 'PROCESS_INSTANCE' && r.intent === intent).map((r) => r.elementId ?? '');
}

/** Records rendered as `VALUE_TYPE INTENT elementId` — handy for ordered assertions across value types. */
export function describeRecords(rows: RecordRow[]): string[] {
  return rows.map((r) => `${r.valueType} ${r.intent}${r.elementId ? ` ${r.elementId}` : ''}`);
}

/** The variables of one scope as the VARIABLE records left them (last write wins), values parsed. */
export async function scopeVariables(db: Pool, processInstanceKey: string | number, scopeKey: string | number): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const r of await instanceRecords(db, processInstanceKey, { valueType: 'VARIABLE' })) {
    if (String(r.value.scopeKey) === String(scopeKey)) out[r.value.name] = JSON.parse(r.value.value);
  }
  return out;
}

/** The key of the first element instance of `elementId` in the instance (from its ACTIVATING record). */
export async function elementInstanceKey(db: Pool, processInstanceKey: string | number, elementId: string): Promise<string> {
  const row = await waitForRecord(db, { processInstanceKey, elementId, intent: 'ELEMENT_ACTIVATING' });
  return row.key;
}
