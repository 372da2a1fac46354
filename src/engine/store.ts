import type { EngineRecord } from './records/record';
import type { ProcessDefinition } from './state/entities';
import type { VariableChanges, VariableRow } from './state/variable-table';

/** A definition as stored: everything but the model, which is rebuilt from the resource. */
export type StoredDefinition = Omit<ProcessDefinition, 'model'>;

export interface TableWrite {
  table: string;
  upserts: { key: number; processInstanceKey: number; data: unknown }[];
  deletes: number[];
}

/** The net effect of one batch: written atomically, then the batch is acknowledged. */
export interface BatchWrite {
  definitions: StoredDefinition[];
  tables: TableWrite[];
  variables: VariableChanges;
  records: EngineRecord[];
  lastKey: number;
  lastPosition: number;
}

export interface LoadedState {
  lastKey: number;
  lastPosition: number;
  definitions: StoredDefinition[];
  /** table name → row data, as written. */
  tables: Map<string, unknown[]>;
  variables: VariableRow[];
}

/**
 * Where the engine's state lives between restarts. The PostgreSQL implementation is in
 * src/engine-store; an in-memory one serves simulations that need no durability.
 */
export interface EngineStore {
  load(): Promise<LoadedState>;
  /** Must be atomic and durable before it resolves. */
  write(batch: BatchWrite): Promise<void>;
}

/** Keeps nothing between runs: for simulations and engine unit tests. */
export class InMemoryEngineStore implements EngineStore {
  private state: LoadedState = { lastKey: 0, lastPosition: 0, definitions: [], tables: new Map(), variables: [] };
  private readonly tables = new Map<string, Map<number, unknown>>();
  private readonly variables = new Map<string, VariableRow>();
  readonly records: EngineRecord[] = [];

  async load(): Promise<LoadedState> {
    return {
      ...this.state,
      tables: new Map([...this.tables].map(([name, rows]) => [name, structuredClone([...rows.values()])])),
      variables: [...this.variables.values()],
    };
  }

  async write(batch: BatchWrite): Promise<void> {
    this.state = { ...this.state, lastKey: batch.lastKey, lastPosition: batch.lastPosition, definitions: [...this.state.definitions, ...batch.definitions] };
    for (const write of batch.tables) {
      let rows = this.tables.get(write.table);
      if (!rows) this.tables.set(write.table, (rows = new Map()));
      for (const key of write.deletes) rows.delete(key);
      for (const row of write.upserts) rows.set(row.key, structuredClone(row.data));
    }
    for (const d of batch.variables.deletes) this.variables.delete(`${d.scopeKey}:${d.name}`);
    for (const u of batch.variables.upserts) this.variables.set(`${u.scopeKey}:${u.name}`, { ...u });
    this.records.push(...batch.records);
  }
}
