import { parseExpression } from 'feelin';

/** The syntax tree lezer-feel builds for an expression. */
export type FeelTree = ReturnType<typeof parseExpression>;

/**
 * The Camunda dialect enables backtick names (`` `order total` ``), which is how Zeebe users
 * reach variables whose names contain spaces or operators.
 */
export const FEEL_DIALECT = 'camunda';

/**
 * Parses an expression. `functionNames` must be the names of the functions the evaluation
 * context will provide: lezer-feel only recognises a multi-word name that contains a keyword
 * (`get or else`) when it knows the name at parse time. Variable names are deliberately NOT
 * passed: Zeebe parses an expression once, without variables, so the same source must mean
 * the same thing whatever variables exist (and a parsed expression can be cached by source).
 */
export function parseFeel(source: string, functionNames: Record<string, unknown>): FeelTree {
  return parseExpression(source, functionNames, FEEL_DIALECT);
}

/**
 * Describes the first syntax error of a tree, or returns null when there is none. lezer
 * recovers from errors by inserting error nodes instead of failing, so the tree must be searched.
 * Positions are 1-based, like an editor column.
 */
export function describeSyntaxError(tree: FeelTree, source: string): string | null {
  const cursor = tree.cursor();
  do {
    if (cursor.name === 'SimplePositiveUnaryTest' && isMisplacedUnaryTest(cursor.node)) {
      return `unexpected '${source.slice(cursor.from, cursor.from + 1)}' at position ${cursor.from + 1}`;
    }
    if (!cursor.type.isError) continue;
    if (cursor.to > cursor.from) {
      return `unexpected '${snippet(source.slice(cursor.from, cursor.to))}' at position ${cursor.from + 1}`;
    }
    const rest = source.slice(cursor.from);
    const next = rest.trimStart();
    if (next === '') return 'unexpected end of expression';
    const position = cursor.from + rest.length - next.length + 1;
    return `unexpected '${snippet(next.split(/\s/, 1)[0])}' at position ${position}`;
  } while (cursor.next());
  return null;
}

/**
 * lezer-feel accepts a unary test such as `> 5` as an operand, so `x == 1` parses as `x = (= 1)`
 * and quietly compares `x` with a function. Zeebe rejects these; a unary test only belongs after
 * `in` or inside a filter (`items[> 5]`).
 */
const UNARY_TEST_PARENTS = new Set(['PositiveUnaryTest', 'FilterExpression']);

type SyntaxNode = FeelTree['topNode'];

/** A comparison unary test (`> 5`) outside `in` and filters; an interval (`[1..5]`) is a range literal. */
function isMisplacedUnaryTest(unaryTest: SyntaxNode): boolean {
  return unaryTest.firstChild?.name === 'CompareOp' && !UNARY_TEST_PARENTS.has(unaryTest.parent?.name ?? '');
}

function snippet(text: string): string {
  return text.length > 20 ? `${text.slice(0, 20)}…` : text;
}
