import type { ExpressionLanguage } from '../expressions';
import type { VariableMapping } from '../model/model';

export type MappingResult = { ok: true; document: Record<string, unknown> } | { ok: false; message: string };

/**
 * Evaluates zeebe:ioMapping entries. Each mapping sees the variables of the context plus the
 * targets of the mappings before it; a missing source maps to null; a dotted target builds
 * nested contexts (`a.b` → `{ a: { b: … } }`), merged with what earlier mappings built.
 */
export function evaluateMappings(
  mappings: readonly VariableMapping[],
  context: Record<string, unknown>,
  expressions: ExpressionLanguage,
): MappingResult {
  const document: Record<string, unknown> = {};
  const scope = { ...context };
  for (const mapping of mappings) {
    let value: unknown = null;
    if (mapping.source !== undefined) {
      const result = expressions.evaluate(mapping.source, scope);
      if (!result.ok) return { ok: false, message: result.message };
      value = result.value;
    }
    assignPath(document, mapping.target, value);
    const head = mapping.target.split('.')[0];
    scope[head] = document[head];
  }
  return { ok: true, document };
}

function assignPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = node[parts[i]];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[parts[i]] = {};
    node = node[parts[i]] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}
