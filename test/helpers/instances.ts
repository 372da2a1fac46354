import type { Pool } from 'pg';
import { records, waitForRecord, type RecordFilter, type RecordRow } from './records';

/**
 * The key of the process instance that a call activity of `parentProcessInstanceKey` started
 * (the first one, or the one of `callActivityKey`), waiting for it to appear.
 */
export async function waitForChildInstance(db: Pool, parentProcessInstanceKey: string, callActivityKey?: string, timeoutMs = 5000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query(
      `select key::text as key from engine.record
        where value_type = 'PROCESS_INSTANCE' and bpmn_element_type = 'PROCESS' and intent = 'ELEMENT_ACTIVATING'
          and value->>'parentProcessInstanceKey' = $1 and ($2::text is null or value->>'parentElementInstanceKey' = $2)
        order by position limit 1`,
      [parentProcessInstanceKey, callActivityKey ?? null],
    );
    if (rows.length > 0) return rows[0].key as string;
    if (Date.now() > until) throw new Error(`No child instance of ${parentProcessInstanceKey} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until `count` records match `filter` and returns them, in log order. */
export async function waitForRecords(db: Pool, filter: RecordFilter, count: number, timeoutMs = 5000): Promise<RecordRow[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await records(db, filter);
    if (found.length >= count) return found;
    if (Date.now() > until) throw new Error(`Expected ${count} records matching ${JSON.stringify(filter)} within ${timeoutMs} ms, found ${found.length}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits for the incident of an instance (the first one created) and returns its record. */
export function waitForIncident(db: Pool, processInstanceKey: string): Promise<RecordRow> {
  return waitForRecord(db, { processInstanceKey, valueType: 'INCIDENT', intent: 'CREATED' });
}

/** The VARIABLE records of an instance as `name@scope=value` strings, `scope` named by `scopes`. */
export function variableWrites(rows: RecordRow[], scopes: Record<string, string>): string[] {
  const names = new Map(Object.entries(scopes).map(([label, key]) => [key, label]));
  return rows
    .filter((r) => r.valueType === 'VARIABLE')
    .map((r) => `${r.value.name}@${names.get(String(r.value.scopeKey)) ?? r.value.scopeKey}=${r.value.value}`);
}
