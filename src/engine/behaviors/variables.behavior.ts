import { TENANT } from '../records/record';
import type { ElementInstance, Variable } from '../state/entities';
import type { EngineState } from '../state/engine-state';

/**
 * Variable scopes as Zeebe has them: every element instance is a scope whose parent is its
 * flow scope; the process instance is the root.
 */
export class VariableBehavior {
  constructor(
    private readonly state: EngineState,
    private readonly now: () => number,
  ) {}

  /** Sets every variable of `document` on the scope itself (input mappings, `local` SetVariables). */
  setLocal(scope: ElementInstance, document: Record<string, unknown>): void {
    for (const name of Object.keys(document)) this.setOne(scope, name, document[name]);
  }

  /**
   * Sets each variable in the nearest scope (starting at `scope`) that already has it, else in
   * the process instance scope — Zeebe's propagation for job completion and SetVariables.
   */
  merge(scope: ElementInstance, document: Record<string, unknown>): void {
    for (const name of Object.keys(document)) {
      let target: ElementInstance | undefined = scope;
      let root: ElementInstance = scope;
      while (target) {
        if (this.state.variables.get(target.key, name)) break;
        root = target;
        target = target.flowScopeKey > 0 ? this.state.elements.get(target.flowScopeKey) : undefined;
      }
      this.setOne(target ?? root, name, document[name]);
    }
  }

  /** All variables visible from a scope; inner scopes shadow outer ones. */
  context(scopeKey: number): Record<string, unknown> {
    const chain = this.chain(scopeKey);
    const out: Record<string, unknown> = {};
    for (let i = chain.length - 1; i >= 0; i--) {
      const vars = this.state.variables.scope(chain[i]);
      if (vars) for (const [name, v] of vars) out[name] = v.value;
    }
    return out;
  }

  /** The visible variables as a JSON object text, built from the stored texts (no re-serialising). */
  document(scopeKey: number, names?: readonly string[]): string {
    const chain = this.chain(scopeKey);
    const picked = new Map<string, string>();
    const wanted = names && names.length > 0 ? new Set(names) : undefined;
    for (const key of chain) {
      const vars = this.state.variables.scope(key);
      if (!vars) continue;
      for (const [name, v] of vars) {
        if (picked.has(name) || (wanted && !wanted.has(name))) continue;
        picked.set(name, v.json);
      }
    }
    let out = '{';
    let first = true;
    for (const [name, json] of picked) {
      out += (first ? '' : ',') + JSON.stringify(name) + ':' + json;
      first = false;
    }
    return out + '}';
  }

  /** Local variables of one scope, as an object. */
  local(scopeKey: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const vars = this.state.variables.scope(scopeKey);
    if (vars) for (const [name, v] of vars) out[name] = v.value;
    return out;
  }

  private chain(scopeKey: number): number[] {
    const keys: number[] = [];
    let key = scopeKey;
    while (key > 0) {
      keys.push(key);
      const instance = this.state.elements.get(key);
      if (!instance) break;
      key = instance.flowScopeKey;
    }
    return keys;
  }

  private setOne(scope: ElementInstance, name: string, value: unknown): void {
    const json = JSON.stringify(value === undefined ? null : value);
    const existing = this.state.variables.get(scope.key, name);
    if (existing && existing.json === json) return;
    const variable: Variable = { key: existing?.key ?? this.state.keys.next(), value: JSON.parse(json), json };
    this.state.variables.set(scope.key, scope.processInstanceKey, name, variable);
    this.state.log.append(
      'VARIABLE',
      existing ? 'UPDATED' : 'CREATED',
      variable.key,
      this.now(),
      {
        name,
        value: json,
        scopeKey: scope.key,
        processInstanceKey: scope.processInstanceKey,
        processDefinitionKey: scope.processDefinitionKey,
        bpmnProcessId: scope.bpmnProcessId,
        tenantId: TENANT,
      },
      scope.processInstanceKey,
    );
  }
}
