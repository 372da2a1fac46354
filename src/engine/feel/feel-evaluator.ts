import { randomUUID } from 'node:crypto';
import { camundaBuiltins } from './camunda-builtins';
import { compileExpression, type Compilation, type FeelFunctions, type FeelRun } from './compiled-expression';
import { toJsonValue, zeebeTypeOf, type ZeebeResultType } from './feel-value';
import { LruCache } from './lru-cache';

/** The outcome of an evaluation: a value, or a message in Zeebe's wording for the incident. */
export type FeelResult<T = unknown> = { ok: true; value: T } | { ok: false; message: string };

/** Where `now()` and `today()` read the time. */
export interface FeelClock {
  /** Epoch milliseconds. */
  now(): number;
}

export interface FeelEvaluatorOptions {
  /** Defaults to wall time. */
  clock?: FeelClock;
  /** How many parsed expressions to keep; the least recently used is dropped first. Default 2000. */
  cacheSize?: number;
  /** The source of `uuid()`; defaults to random v4 UUIDs. */
  uuid?: () => string;
}

type Failure = { ok: false; message: string };
type Run = ({ ok: true } & FeelRun) | Failure;

/**
 * Evaluates Zeebe FEEL expressions with feelin, with Zeebe's semantics where they differ:
 * missing variables are null, ordering comparisons with null are false, the Camunda built-ins
 * are available, and results are plain JSON as Zeebe would store them in variables.
 *
 * Sources never carry Zeebe's leading `=`. Variables are JSON values. Each source is parsed once
 * and cached; the parse does not depend on the variables, so a cached expression is correct for
 * any variables. Nothing here throws for user input: failures are `{ ok: false, message }`.
 */
export class FeelEvaluator {
  private readonly clock: FeelClock;
  private readonly functions: FeelFunctions;
  private readonly cache: LruCache<string, Compilation>;
  /** The time of the evaluation in progress, read from the clock at its first use. */
  private instant: number | null = null;

  constructor(options: FeelEvaluatorOptions = {}) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.cache = new LruCache(options.cacheSize ?? 2000);
    this.functions = camundaBuiltins({
      now: () => (this.instant ??= this.clock.now()),
      uuid: options.uuid ?? (() => randomUUID()),
    });
  }

  /**
   * Checks that an expression parses, for rejecting a diagram at deploy.
   * @returns null when valid, else `failed to parse expression '<source>': <reason>`.
   */
  check(source: string): string | null {
    const compilation = this.compile(source);
    return compilation.ok ? null : parseFailure(source, compilation.reason);
  }

  /**
   * Evaluates an expression against variables; a missing variable is null.
   * @returns the result as a JSON value (temporal values as Zeebe's ISO strings, functions as null).
   */
  evaluate(source: string, context: Record<string, unknown>): FeelResult {
    const run = this.run(source, context);
    return run.ok ? this.convert(source, () => toJsonValue(run.value)) : run;
  }

  /**
   * Evaluates a condition (sequence flow, completion condition). Comparisons with null are
   * already false (see null-safe-comparisons); any other non-boolean result, null included, is
   * a failure, as in Zeebe.
   */
  evaluateCondition(source: string, context: Record<string, unknown>): FeelResult<boolean> {
    const run = this.run(source, context);
    if (!run.ok) return run;
    return typeof run.value === 'boolean' ? { ok: true, value: run.value } : typeMismatch(source, 'BOOLEAN', run);
  }

  /**
   * Evaluates to a string (job type, message name, correlation key, …). Unless `strict`, a
   * number or boolean is accepted and stringified; a number as Zeebe does for correlation keys,
   * i.e. as an integer (`12.7` → `"12"`). `strict` accepts a FEEL string only, as Zeebe does
   * for job types.
   */
  evaluateString(source: string, context: Record<string, unknown>, options: { strict?: boolean } = {}): FeelResult<string> {
    const run = this.run(source, context);
    if (!run.ok) return run;
    const { value } = run;
    if (typeof value === 'string') return { ok: true, value };
    if (options.strict) return typeMismatch(source, 'STRING', run);
    if (typeof value === 'boolean') return { ok: true, value: String(value) };
    if (typeof value === 'number' && Number.isFinite(value)) {
      return { ok: true, value: BigInt(Math.trunc(value)).toString() };
    }
    return typeMismatch(source, 'STRING', run);
  }

  /** Evaluates to a number (retries, loop cardinality, …). */
  evaluateNumber(source: string, context: Record<string, unknown>): FeelResult<number> {
    const run = this.run(source, context);
    if (!run.ok) return run;
    return typeof run.value === 'number' && Number.isFinite(run.value)
      ? { ok: true, value: run.value }
      : typeMismatch(source, 'NUMBER', run);
  }

  /** Evaluates to a list (a multi-instance input collection); its items as JSON values. */
  evaluateList(source: string, context: Record<string, unknown>): FeelResult<unknown[]> {
    const run = this.run(source, context);
    if (!run.ok) return run;
    const list = run.value;
    if (!Array.isArray(list)) return typeMismatch(source, 'ARRAY', run);
    return this.convert(source, () => list.map(toJsonValue));
  }

  private run(source: string, context: Record<string, unknown>): Run {
    try {
      const compilation = this.compile(source);
      if (!compilation.ok) return { ok: false, message: parseFailure(source, compilation.reason) };
      return { ok: true, ...compilation.expression.run(context ?? {}) };
    } catch (error) {
      return evaluationFailure(source, error);
    } finally {
      this.instant = null;
    }
  }

  private compile(source: string): Compilation {
    let compilation = this.cache.get(source);
    if (compilation === undefined) {
      compilation = compileExpression(String(source), this.functions);
      this.cache.set(source, compilation);
    }
    return compilation;
  }

  /** Guards the conversion of a result, which can only fail on variables that are not JSON (cycles). */
  private convert<T>(source: string, conversion: () => T): FeelResult<T> {
    try {
      return { ok: true, value: conversion() };
    } catch (error) {
      return evaluationFailure(source, error);
    }
  }
}

function parseFailure(source: string, reason: string): string {
  return `failed to parse expression '${source}': ${reason}`;
}

function evaluationFailure(source: string, error: unknown): Failure {
  const reason = error instanceof Error ? error.message : String(error);
  return { ok: false, message: `failed to evaluate expression '${source}': ${reason}` };
}

/** Zeebe's message for a result of the wrong type, with the warnings that explain it (a missing variable). */
function typeMismatch(source: string, expected: ZeebeResultType, run: FeelRun): Failure {
  const actual = zeebeTypeOf(run.value);
  let message = `Expected result of the expression '${source}' to be '${expected}', but was '${actual}'.`;
  if (run.warnings.length > 0) {
    const warnings = run.warnings.map((warning) => `[${warning.type}] ${warning.message}`).join('\n');
    message += ` The evaluation reported the following warnings:\n${warnings}`;
  }
  return { ok: false, message };
}
