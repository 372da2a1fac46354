import { ValidateBy, type ValidationArguments } from 'class-validator';

/**
 * Validation decorators for customer data and events, composed once. Messages say what was
 * expected and, where the value is short and safe to echo, what was found.
 */

/** The client's id of a customer: 1–200 visible characters, no spaces (an id, an email, a UUID…). */
export const EXTERNAL_ID_PATTERN = /^[^\s\p{C}]{1,200}$/u;
/** A channel name: `email`, `sms`, `push`, `in_app`, `web`, `store`, … */
export const CHANNEL_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
/** An event type: dotted lower-case words, `order.placed`, `cart.item_added`, `email.link.clicked`. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
/** Where an event comes from, scoping its id: `default`, `shop`, `crm-eu`, … */
export const SOURCE_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** An ISO 8601 date-time with a time zone (`Z` or an offset): a time without one is ambiguous. */
const DATE_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** The instant of an ISO 8601 date-time with a zone, or NaN (also for days that do not exist, which Date.parse rolls over). */
export function dateTimeMillis(value: unknown): number {
  const match = typeof value === 'string' ? DATE_TIME_PATTERN.exec(value) : null;
  if (!match) return Number.NaN;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return Number.NaN;
  return Date.parse(value as string);
}

/** A customer's external id (see {@link EXTERNAL_ID_PATTERN}). */
export function IsExternalId(): PropertyDecorator {
  return ValidateBy({
    name: 'isExternalId',
    validator: {
      validate: (value) => typeof value === 'string' && EXTERNAL_ID_PATTERN.test(value),
      defaultMessage: () => '$property must be 1 to 200 visible characters without spaces',
    },
  });
}

/** A channel name (see {@link CHANNEL_PATTERN}). */
export function IsChannelName(): PropertyDecorator {
  return ValidateBy({
    name: 'isChannelName',
    validator: {
      validate: (value) => typeof value === 'string' && CHANNEL_PATTERN.test(value),
      defaultMessage: () => '$property must be a channel name in lower case (letters, digits, _; e.g. email, sms, in_app), got "$value"',
    },
  });
}

/** An ISO 8601 date-time with a zone, at most `maxFutureMs` ahead of now (clocks drift, the future has not happened). */
export function IsPastDateTime(options: { maxFutureMs: number }): PropertyDecorator {
  return ValidateBy({
    name: 'isPastDateTime',
    validator: {
      validate: (value) => {
        const time = dateTimeMillis(value);
        return Number.isFinite(time) && time <= Date.now() + options.maxFutureMs;
      },
      defaultMessage: ({ value }: ValidationArguments) =>
        Number.isFinite(dateTimeMillis(value))
          ? `$property must not be in the future (more than ${options.maxFutureMs / 3_600_000} h ahead), got "$value"`
          : '$property must be an ISO 8601 date-time with a time zone, e.g. 2025-11-26T09:30:00Z',
    },
  });
}

/**
 * A JSON object (not an array, not null) of at most `maxBytes` once serialised, without NUL
 * characters (PostgreSQL's jsonb cannot hold them). Nesting is free within the size.
 */
export function IsJsonObject(options: { maxBytes: number }): PropertyDecorator {
  return ValidateBy({
    name: 'isJsonObject',
    validator: {
      validate: (value) => jsonObjectProblem(value, options.maxBytes) === undefined,
      defaultMessage: ({ value }: ValidationArguments) => `$property ${jsonObjectProblem(value, options.maxBytes) ?? 'must be a JSON object'}`,
    },
  });
}

/** What is wrong with a value that should be a JSON object of at most `maxBytes` (see {@link IsJsonObject}). */
export function jsonObjectProblem(value: unknown, maxBytes: number): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'must be a JSON object';
  const json = JSON.stringify(value);
  if (Buffer.byteLength(json, 'utf8') > maxBytes) return `must be at most ${maxBytes} bytes of JSON`;
  if (json.includes('\\u0000')) return 'must not contain NUL characters (\\u0000)';
  return undefined;
}

/**
 * A map of short strings, e.g. other channel addresses `{ "slack": "U024BE7LH" }`: at most
 * `maxEntries` keys in lower case, values of at most 1,000 characters.
 */
export function IsStringMap(options: { maxEntries: number }): PropertyDecorator {
  return ValidateBy({
    name: 'isStringMap',
    validator: {
      validate: (value) =>
        value !== null &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        Object.keys(value).length <= options.maxEntries &&
        Object.entries(value).every(([key, entry]) => CHANNEL_PATTERN.test(key) && typeof entry === 'string' && /^[^\p{Cc}]{0,1000}$/u.test(entry)),
      defaultMessage: () =>
        `$property must be an object of at most ${options.maxEntries} entries, each a lower-case name with a text of at most 1000 characters and no control characters`,
    },
  });
}
