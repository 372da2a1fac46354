import { FeelDate, FeelDateTime, FeelDuration } from 'feelin';
import { formatTemporal } from './temporal-format';

/** Zeebe's names for the type of an expression result, as they appear in its incident messages. */
export type ZeebeResultType =
  | 'NULL'
  | 'BOOLEAN'
  | 'NUMBER'
  | 'STRING'
  | 'ARRAY'
  | 'OBJECT'
  | 'DURATION'
  | 'PERIOD'
  | 'DATE'
  | 'DATE_TIME'
  | 'UNKNOWN';

/** Zeebe's result type of a FEEL value; times, ranges and functions have none of their own. */
export function zeebeTypeOf(value: unknown): ZeebeResultType {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'number') return 'NUMBER';
  if (typeof value === 'string') return 'STRING';
  if (Array.isArray(value)) return 'ARRAY';
  if (isContext(value)) return 'OBJECT';
  if (value instanceof FeelDuration) return value.yearsMonths ? 'PERIOD' : 'DURATION';
  if (value instanceof FeelDate) return 'DATE';
  if (value instanceof FeelDateTime) return 'DATE_TIME';
  return 'UNKNOWN';
}

/**
 * Converts a FEEL value to the plain JSON value Zeebe would store as a variable: temporal values
 * become their ISO strings, and whatever JSON cannot hold (functions, ranges, non-finite
 * numbers) becomes null.
 */
export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (isContext(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, toJsonValue(entry)]));
  }
  return formatTemporal(value);
}

/** A FEEL context: a plain object, as built by FEEL or parsed from JSON. */
export function isContext(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
