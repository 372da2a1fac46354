import type { ValueOrExpression } from './model';
import type { ParseContext } from './parse-context';
import { Problems } from './problem-messages';

/**
 * Reads an attribute that may hold a static value or a FEEL expression (Zeebe marks expressions
 * with a leading `=`). Expressions are checked with the FEEL callback; a static value where
 * Zeebe requires an expression (`nonStatic`) is reported and yields undefined.
 */
export function readValue(
  ctx: ParseContext,
  elementId: string | undefined,
  raw: string,
  options: { nonStatic?: boolean } = {},
): ValueOrExpression | undefined {
  const source = expressionSource(raw);
  if (source === undefined) {
    if (!options.nonStatic) return { kind: 'static', value: raw };
    ctx.report(elementId, Problems.staticValueNotAllowed(raw));
    return undefined;
  }
  if (source === '') {
    ctx.report(elementId, Problems.expressionMissing);
    return undefined;
  }
  ctx.checkFeel(elementId, source);
  return { kind: 'expression', source };
}

/** Reads an attribute that must be a FEEL expression; returns its source without the `=`. */
export function readExpression(ctx: ParseContext, elementId: string | undefined, raw: string): string | undefined {
  const value = readValue(ctx, elementId, raw, { nonStatic: true });
  return value?.kind === 'expression' ? value.source : undefined;
}

/** The FEEL source of `=…` (trimmed), or undefined for a static value. */
export function expressionSource(raw: string): string | undefined {
  const trimmed = raw.trimStart();
  return trimmed.startsWith('=') ? trimmed.slice(1).trim() : undefined;
}
