import type { Pool } from 'pg';
import type { EngineHarness } from './engine-harness';
import { activateNow } from './jobs';
import { records, type RecordFilter, type RecordRow } from './records';

/**
 * Waits until everything the engine was asked to do so far is processed and committed — a
 * clock advance (its timers and expiries) included: an ActivateJobs command that returns at
 * once queues up behind them and is answered only after their batch was written.
 */
export async function settle(h: EngineHarness): Promise<void> {
  await activateNow(h, '__settle__');
}

/** Polls until at least `count` records match `filter` (and `where`, if given); returns them all. */
export async function waitForRecords(
  db: Pool,
  filter: RecordFilter,
  count: number,
  where: (row: RecordRow) => boolean = () => true,
  timeoutMs = 5000,
): Promise<RecordRow[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = (await records(db, filter)).filter(where);
    if (found.length >= count) return found;
    if (Date.now() > until) {
      throw new Error(`Expected ${count} record(s) matching ${JSON.stringify(filter)} within ${timeoutMs} ms, but found ${found.length}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Keys of the instances of a process (any version), in creation order. */
export async function instancesOf(db: Pool, bpmnProcessId: string): Promise<string[]> {
  const rows = await records(db, { elementId: bpmnProcessId, bpmnElementType: 'PROCESS', intent: 'ELEMENT_ACTIVATING' });
  return rows.map((r) => r.key);
}

/** Waits until the process has at least `count` instances; returns their keys. */
export async function waitForInstances(db: Pool, bpmnProcessId: string, count: number, timeoutMs = 5000): Promise<string[]> {
  const rows = await waitForRecords(db, { elementId: bpmnProcessId, bpmnElementType: 'PROCESS', intent: 'ELEMENT_ACTIVATING' }, count, undefined, timeoutMs);
  return rows.map((r) => r.key);
}

/** Records of one value type whose `value[field]` equals `expected` (e.g. MESSAGE by name). */
export async function recordsWhere(db: Pool, valueType: string, field: string, expected: unknown): Promise<RecordRow[]> {
  return (await records(db, { valueType })).filter((r) => String(r.value[field]) === String(expected));
}

/** `INTENT` strings of the rows, in order. */
export function intents(rows: RecordRow[]): string[] {
  return rows.map((r) => r.intent);
}

/** True when an instance of `elementId` was activated and has not completed or terminated since. */
export async function isWaitingAt(db: Pool, processInstanceKey: string, elementId: string): Promise<boolean> {
  const rows = await records(db, { processInstanceKey, elementId, valueType: 'PROCESS_INSTANCE' });
  let open = 0;
  for (const r of rows) {
    if (r.intent === 'ELEMENT_ACTIVATED') open++;
    if (r.intent === 'ELEMENT_COMPLETED' || r.intent === 'ELEMENT_TERMINATED') open--;
  }
  return open > 0;
}

/** True when the process instance completed or was terminated. */
export async function hasEnded(db: Pool, processInstanceKey: string): Promise<boolean> {
  const rows = await records(db, { processInstanceKey, bpmnElementType: 'PROCESS' });
  return rows.some((r) => r.intent === 'ELEMENT_COMPLETED' || r.intent === 'ELEMENT_TERMINATED');
}
