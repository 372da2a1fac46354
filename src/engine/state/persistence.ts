import { parseBpmn } from '../model/parse-bpmn';
import type { BatchWrite, LoadedState } from '../store';
import type { BufferedMessage, ElementInstance, Incident, Job, Subscription } from './entities';
import type { EngineState } from './engine-state';

/** The net changes of the batch in progress, in the shape the store writes. */
export function collectBatchWrite(state: EngineState): BatchWrite {
  const definitions = state.newDefinitions.map(({ model: _model, ...stored }) => stored);
  state.newDefinitions = [];
  return {
    definitions,
    tables: state.tables.map((table) => {
      const changes = table.flush();
      return {
        table: table.name,
        upserts: changes.upserts.map((row) => ({
          key: row.key,
          processInstanceKey: (row as { processInstanceKey?: number }).processInstanceKey ?? -1,
          data: row,
        })),
        deletes: changes.deletes,
      };
    }),
    variables: state.variables.flush(),
    records: state.log.drain(),
    lastKey: state.keys.current,
    lastPosition: state.log.position,
  };
}

/** Replaces the in-memory state with what the store holds; definitions are parsed again. */
export async function restoreState(state: EngineState, loaded: LoadedState): Promise<void> {
  const definitions = [];
  for (const stored of loaded.definitions) {
    const { processes } = await parseBpmn(stored.resource, { checkExpression: () => null });
    const model = processes.find((p) => p.bpmnProcessId === stored.bpmnProcessId);
    if (!model) throw new Error(`Stored definition ${stored.key} no longer contains process '${stored.bpmnProcessId}'`);
    definitions.push({ ...stored, model });
  }
  state.clear();
  for (const definition of definitions) state.addDefinition(definition, false);
  for (const row of loaded.tables.get('element_instance') ?? []) state.elements.load(row as ElementInstance);
  for (const row of loaded.tables.get('job') ?? []) state.jobs.load(row as Job);
  for (const row of loaded.tables.get('incident') ?? []) state.incidents.load(row as Incident);
  for (const row of loaded.tables.get('subscription') ?? []) state.subscriptions.load(row as Subscription);
  for (const row of loaded.tables.get('message') ?? []) state.messages.load(row as BufferedMessage);
  for (const row of loaded.variables) state.variables.load(row);
  state.keys.restore(loaded.lastKey);
  state.log.restore(loaded.lastPosition);
  state.rebuildIndexes();
}
