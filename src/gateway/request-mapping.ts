import { Rejection } from '../engine';
import { invalidArgument } from './grpc-errors';

/**
 * Parses a JSON document field (`variables`): empty means no variables; anything but a JSON
 * object is refused with the field named, as Zeebe's gateway does.
 */
export function parseDocument(text: string | undefined, field = 'variables'): Record<string, unknown> {
  if (text === undefined || text.trim() === '' || text.trim() === 'null') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidArgument(`Invalid JSON value: ${text} (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgument(
      `Property '${field}' is invalid: Expected document to be a root level object, but was '${jsonType(value)}'`,
    );
  }
  return value as Record<string, unknown>;
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'ARRAY';
  switch (typeof value) {
    case 'string':
      return 'STRING';
    case 'number':
      return Number.isInteger(value) ? 'INTEGER' : 'FLOAT';
    case 'boolean':
      return 'BOOLEAN';
    default:
      return 'UNKNOWN';
  }
}

/** int64 fields arrive as decimal strings; 0 (unset) and garbage become 0, which no entity has. */
export function toKey(value: string | number | undefined): number {
  const n = Number(value ?? 0);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

export function toInt(value: string | number | undefined): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/** Collects every problem of a request so the client sees them all in one INVALID_ARGUMENT. */
export class RequestProblems {
  private readonly problems: string[] = [];

  /** `brokerSide`: checks a Zeebe broker makes, reported with the "Command … rejected" prefix. */
  constructor(private readonly options: { brokerSide?: boolean } = {}) {}

  check(ok: boolean, message: string): this {
    if (!ok) this.problems.push(message);
    return this;
  }

  throwIfAny(): void {
    if (this.problems.length === 0) return;
    const message = this.problems.join('; ');
    throw this.options.brokerSide ? Rejection.invalidArgument(message) : invalidArgument(message);
  }
}
