import type { FeelTree } from './feel-syntax';

const ORDERING_OPERATORS = new Set(['<', '<=', '>', '>=']);
const OPEN = '((';
const CLOSE = ') = true)';

/**
 * Rewrites a (syntactically valid) expression so that every ordering comparison (`<`, `<=`,
 * `>`, `>=`, `between`, `in`) yields false where FEEL would yield null, e.g. `x > 5` with `x`
 * missing. The engine's rule is "comparisons with null are false, not errors"; feelin follows
 * FEEL's three-valued logic instead, and its interpreter cannot be hooked, so the source is
 * rewritten before compilation.
 *
 * `a > b` becomes `((a > b) = true)`: FEEL's `=` is two-valued (`null = true` is false), and
 * the result is still a comparison, which matters inside filters — `list[item > 5]` only
 * iterates the items when the filter is a comparison; a function call there (such as
 * `get or else(item > 5, false)`) would be evaluated once as an index instead.
 * `=` and `!=` are left alone: they already treat null as a value.
 */
export function nullSafeComparisons(tree: FeelTree, source: string): string {
  const opens = new Map<number, number>();
  const closes = new Map<number, number>();
  const cursor = tree.cursor();
  do {
    if (cursor.name === 'Comparison' && isOrdering(cursor.node.firstChild?.nextSibling, source)) {
      opens.set(cursor.from, (opens.get(cursor.from) ?? 0) + 1);
      closes.set(cursor.to, (closes.get(cursor.to) ?? 0) + 1);
    }
  } while (cursor.next());
  if (opens.size === 0) return source;

  const positions = [...new Set([...opens.keys(), ...closes.keys()])].sort((a, b) => a - b);
  let result = '';
  let copied = 0;
  for (const position of positions) {
    result += source.slice(copied, position);
    // a comparison that ends here closes before one that starts here opens
    result += CLOSE.repeat(closes.get(position) ?? 0) + OPEN.repeat(opens.get(position) ?? 0);
    copied = position;
  }
  return result + source.slice(copied);
}

function isOrdering(operator: FeelTree['topNode'] | null | undefined, source: string): boolean {
  if (!operator) return false;
  if (operator.name === 'between' || operator.name === 'in') return true;
  return operator.name === 'CompareOp' && ORDERING_OPERATORS.has(source.slice(operator.from, operator.to));
}
