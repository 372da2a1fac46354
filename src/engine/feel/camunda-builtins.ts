import { date, FeelDate, FeelDateTime, toFeel } from 'feelin';
import { feelEquals } from './feel-equality';
import { isContext } from './feel-value';

/** What the built-ins need from outside the expression: the engine's time and a source of UUIDs. */
export interface BuiltinDependencies {
  /** Epoch milliseconds; read once per evaluation so that `now()` and `today()` agree. */
  now(): number;
  uuid(): string;
}

/** A JS function as feelin calls it: `$args` names its parameters for named invocation. */
type FeelFunction = ((...args: never[]) => unknown) & { $args: string[] };

/**
 * The Camunda 8 FEEL built-ins that feelin 8 lacks or gets wrong, by FEEL name. They are put in
 * the evaluation context, where a name takes precedence over feelin's own built-in of that name.
 * Like every FEEL function, they return null for arguments they cannot handle; only `assert`
 * fails the evaluation, which is its purpose.
 *
 * Replaced because feelin's version differs from Camunda's: `distinct values` (it treats `1`
 * and `[1]` as duplicates), `get value` (no list of keys), `context put` (does not create
 * missing intermediate contexts), `string join` (no prefix and suffix), `now`/`today` (wall clock).
 */
export function camundaBuiltins(deps: BuiltinDependencies): Record<string, FeelFunction> {
  return {
    'is defined': fn(['value'], (value) => value !== null && value !== undefined),
    'get or else': fn(['value', 'default'], (value, fallback) => value ?? fallback ?? null),
    assert: fn(['value', 'condition', 'cause'], assert),

    'is empty': fn(['list'], (list) => (Array.isArray(list) ? list.length === 0 : null)),
    partition: fn(['list', 'size'], partition),
    'distinct values': fn(['list'], (list) => (Array.isArray(list) ? distinct(list) : null)),
    'duplicate values': fn(['list'], (list) => (Array.isArray(list) ? duplicates(list) : null)),
    'string join': fn(['list', 'delimiter', 'prefix', 'suffix'], stringJoin),

    trim: fn(['string'], ofString((string) => string.trim())),
    'is blank': fn(['string'], ofString((string) => string.trim() === '')),
    extract: fn(['string', 'pattern'], extract),
    uuid: fn([], () => deps.uuid()),
    'to base64': fn(['value'], ofString((value) => Buffer.from(value, 'utf8').toString('base64'))),
    'from base64': fn(['value'], fromBase64),

    // `key` and `keys` are alternatives; both are named so that either can be passed by name
    'get value': fn(['context', 'key', 'keys'], (context, key, keys) => getValue(context, keys ?? key)),
    'context put': fn(['context', 'key', 'value', 'keys'], (context, key, value, keys) =>
      contextPut(context, keys ?? key, value),
    ),

    now: fn([], () => toFeel(new Date(deps.now())) as unknown),
    today: fn([], () => date(new Date(deps.now()).toISOString().slice(0, 10))),
    'last day of month': fn(['date'], lastDayOfMonth),
  };
}

class AssertionFailure extends Error {}

function assert(value: unknown, condition: unknown, cause: unknown): unknown {
  if (condition === true) return value;
  throw new AssertionFailure(typeof cause === 'string' ? cause : 'The condition is not fulfilled');
}

function partition(list: unknown, size: unknown): unknown[][] | null {
  if (!Array.isArray(list) || typeof size !== 'number' || !(size >= 1)) return null;
  const length = Math.trunc(size);
  const parts: unknown[][] = [];
  for (let start = 0; start < list.length; start += length) parts.push(list.slice(start, start + length));
  return parts;
}

function distinct(list: unknown[]): unknown[] {
  const result: unknown[] = [];
  for (const item of list) if (!result.some((kept) => feelEquals(kept, item))) result.push(item);
  return result;
}

/** Each value that occurs more than once, once, in the order of its first occurrence. */
function duplicates(list: unknown[]): unknown[] {
  return distinct(list).filter((item) => list.filter((other) => feelEquals(other, item)).length > 1);
}

function stringJoin(list: unknown, delimiter: unknown, prefix: unknown, suffix: unknown): string | null {
  const parts = [delimiter, prefix, suffix].map((part) => part ?? '');
  if (!Array.isArray(list) || parts.some((part) => typeof part !== 'string')) return null;
  const items = list.filter((item) => item !== null && item !== undefined);
  if (items.some((item) => typeof item !== 'string')) return null;
  return `${parts[1] as string}${items.join(parts[0] as string)}${parts[2] as string}`;
}

function extract(string: unknown, pattern: unknown): string[] | null {
  if (typeof string !== 'string' || typeof pattern !== 'string') return null;
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'g');
  } catch {
    return null;
  }
  return Array.from(string.matchAll(regex), (match) => match[0]);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function fromBase64(value: unknown): string | null {
  if (typeof value !== 'string' || !BASE64.test(value)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'base64'));
  } catch {
    return null;
  }
}

function toPath(keys: unknown): string[] | null {
  if (typeof keys === 'string') return [keys];
  const isPath = Array.isArray(keys) && keys.length > 0 && keys.every((key) => typeof key === 'string');
  return isPath ? (keys as string[]) : null;
}

function getValue(context: unknown, keys: unknown): unknown {
  const path = toPath(keys);
  if (path === null) return null;
  let current = context;
  for (const key of path) {
    if (!isContext(current) || !Object.hasOwn(current, key)) return null;
    current = current[key];
  }
  return current ?? null;
}

function contextPut(context: unknown, keys: unknown, value: unknown): Record<string, unknown> | null {
  const path = toPath(keys);
  if (!isContext(context) || path === null) return null;
  return putAt(context, path, value ?? null);
}

function putAt(context: Record<string, unknown>, [key, ...rest]: string[], value: unknown): Record<string, unknown> {
  const nested = context[key];
  const entry = rest.length === 0 ? value : putAt(isContext(nested) ? nested : {}, rest, value);
  return { ...context, [key]: entry };
}

function lastDayOfMonth(value: unknown): unknown {
  let day;
  if (value instanceof FeelDate) day = value.unwrap();
  else if (value instanceof FeelDateTime) day = value.unwrap().toPlainDate();
  else return null;
  return toFeel(day.with({ day: day.daysInMonth })) as unknown;
}

function ofString<T>(body: (string: string) => T): (value: unknown) => T | null {
  return (value) => (typeof value === 'string' ? body(value) : null);
}

function fn<P extends unknown[]>(parameters: string[], body: (...args: P) => unknown): FeelFunction {
  return Object.assign((...args: P) => body(...args), { $args: parameters }) as unknown as FeelFunction;
}
