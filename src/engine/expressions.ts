/**
 * What the engine needs from an expression language. FEEL (src/engine/feel) implements it;
 * sources never carry Zeebe's leading `=`.
 */
export type EvaluationResult<T = unknown> = { ok: true; value: T } | { ok: false; message: string };

export interface ExpressionLanguage {
  /** Returns null when the expression parses, else a message for the deploy rejection. */
  check(source: string): string | null;
  evaluate(source: string, context: Record<string, unknown>): EvaluationResult;
  evaluateCondition(source: string, context: Record<string, unknown>): EvaluationResult<boolean>;
  /** `strict`: only a string is a string (job types); else numbers and booleans are stringified (correlation keys). */
  evaluateString(source: string, context: Record<string, unknown>, options?: { strict?: boolean }): EvaluationResult<string>;
  evaluateNumber(source: string, context: Record<string, unknown>): EvaluationResult<number>;
  evaluateList(source: string, context: Record<string, unknown>): EvaluationResult<unknown[]>;
}
