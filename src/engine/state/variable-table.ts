import type { Variable } from './entities';

export interface VariableRow {
  key: number;
  scopeKey: number;
  name: string;
  processInstanceKey: number;
  json: string;
}

export interface VariableChanges {
  upserts: VariableRow[];
  deletes: { scopeKey: number; name: string }[];
}

interface Scope {
  processInstanceKey: number;
  vars: Map<string, Variable>;
}

/** Variables by scope (element instance key), with the same net-change tracking as TrackedTable. */
export class VariableTable {
  private readonly scopes = new Map<number, Scope>();
  private readonly dirty = new Map<string, { scopeKey: number; name: string; row: VariableRow | null }>();
  private readonly fresh = new Set<string>();

  get scopeCount(): number {
    return this.scopes.size;
  }

  scope(scopeKey: number): ReadonlyMap<string, Variable> | undefined {
    return this.scopes.get(scopeKey)?.vars;
  }

  get(scopeKey: number, name: string): Variable | undefined {
    return this.scopes.get(scopeKey)?.vars.get(name);
  }

  set(scopeKey: number, processInstanceKey: number, name: string, variable: Variable): void {
    let scope = this.scopes.get(scopeKey);
    if (!scope) {
      scope = { processInstanceKey, vars: new Map() };
      this.scopes.set(scopeKey, scope);
    }
    const id = `${scopeKey}\u0000${name}`;
    if (!scope.vars.has(name) && !this.dirty.has(id)) this.fresh.add(id);
    scope.vars.set(name, variable);
    this.dirty.set(id, { scopeKey, name, row: { key: variable.key, scopeKey, name, processInstanceKey, json: variable.json } });
  }

  /** Drops every variable of a scope (the scope's element instance ended). */
  deleteScope(scopeKey: number): void {
    const scope = this.scopes.get(scopeKey);
    if (!scope) return;
    this.scopes.delete(scopeKey);
    for (const name of scope.vars.keys()) {
      const id = `${scopeKey}\u0000${name}`;
      if (this.fresh.delete(id)) this.dirty.delete(id);
      else this.dirty.set(id, { scopeKey, name, row: null });
    }
  }

  load(row: VariableRow): void {
    let scope = this.scopes.get(row.scopeKey);
    if (!scope) {
      scope = { processInstanceKey: row.processInstanceKey, vars: new Map() };
      this.scopes.set(row.scopeKey, scope);
    }
    scope.vars.set(row.name, { key: row.key, value: JSON.parse(row.json), json: row.json });
  }

  flush(): VariableChanges {
    const upserts: VariableRow[] = [];
    const deletes: { scopeKey: number; name: string }[] = [];
    for (const change of this.dirty.values()) {
      if (change.row) upserts.push(change.row);
      else deletes.push({ scopeKey: change.scopeKey, name: change.name });
    }
    this.dirty.clear();
    this.fresh.clear();
    return { upserts, deletes };
  }

  clear(): void {
    this.scopes.clear();
    this.dirty.clear();
    this.fresh.clear();
  }
}
