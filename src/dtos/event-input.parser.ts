import { isISO4217CurrencyCode } from 'class-validator';
import { CHANNEL_PATTERN, dateTimeMillis, EVENT_TYPE_PATTERN, EXTERNAL_ID_PATTERN, jsonObjectProblem, SOURCE_PATTERN } from './customer-data.validators';
import type { FieldErrorDto } from './error.dto';
import { DEFAULT_EVENT_SOURCE, MAX_EVENTS_PER_BATCH, MAX_PROPERTIES_BYTES, type NewCustomerEvent } from './event.dto';

/**
 * Checks posted events by hand, for speed (see {@link IngestEventDto}): one pass per event, no
 * intermediate instances. Problems come back per field, dotted like the global ValidationPipe's
 * (`events.3.type`), with class-validator's wording (`$property must …`, `property x should not
 * exist`), so clients see one error shape across the API.
 */
export type ParsedEvents = { readonly events: NewCustomerEvent[] } | { readonly errors: FieldErrorDto[] };

const MAX_FUTURE_MS = 86_400_000;
const EVENT_ID_PATTERN = /^[^\p{Cc}]{1,200}$/u;
const EVENT_KEYS = new Set(['source', 'eventId', 'type', 'customerId', 'anonymousId', 'occurredAt', 'properties', 'revenue', 'currency', 'channel']);

/** The body of POST /events. */
export function parseIngestEvent(body: unknown): ParsedEvents {
  const errors: FieldErrorDto[] = [];
  const event = parseEvent(body, '', errors, Date.now());
  return event && errors.length === 0 ? { events: [event] } : { errors };
}

/** The body of POST /events/batch: `{ events: [...] }`, 1 to {@link MAX_EVENTS_PER_BATCH} events. */
export function parseIngestEventBatch(body: unknown): ParsedEvents {
  const errors: FieldErrorDto[] = [];
  if (!isObject(body)) return { errors: [{ field: '(body)', messages: ['the body must be a JSON object with an events array'] }] };
  for (const key of Object.keys(body)) {
    if (key !== 'events') errors.push({ field: key, messages: [`property ${key} should not exist`] });
  }
  const list = body.events;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_EVENTS_PER_BATCH) {
    errors.push({ field: 'events', messages: [`events must be an array of 1 to ${MAX_EVENTS_PER_BATCH} events`] });
    return { errors };
  }
  const now = Date.now();
  const events: NewCustomerEvent[] = [];
  for (let i = 0; i < list.length; i++) {
    const event = parseEvent(list[i], `events.${i}`, errors, now);
    if (event) events.push(event);
  }
  return errors.length === 0 ? { events } : { errors };
}

function parseEvent(value: unknown, path: string, errors: FieldErrorDto[], now: number): NewCustomerEvent | undefined {
  if (!isObject(value)) {
    errors.push({ field: path || '(body)', messages: [`${path || 'the body'} must be an event object`] });
    return undefined;
  }
  const before = errors.length;
  const problem = (key: string, message: string) => errors.push({ field: path ? `${path}.${key}` : key, messages: [message] });
  for (const key of Object.keys(value)) {
    if (!EVENT_KEYS.has(key)) problem(key, `property ${key} should not exist`);
  }

  const { source, eventId, type, customerId, anonymousId, occurredAt, properties, revenue, currency, channel } = value;
  if (given(source) && !matches(source, SOURCE_PATTERN)) {
    problem('source', `source must be lower-case letters, digits, ".", "_" or "-" (at most 64), got "${short(source)}"`);
  }
  if (!matches(eventId, EVENT_ID_PATTERN)) problem('eventId', 'eventId must be 1 to 200 characters without control characters');
  if (!matches(type, EVENT_TYPE_PATTERN) || type.length > 100) {
    problem('type', `type must be dotted lower-case words such as order.placed (at most 100 characters), got "${short(type)}"`);
  }
  if (given(customerId) === given(anonymousId)) {
    problem('customerId', 'exactly one of customerId and anonymousId must be given');
  } else if (given(customerId) && !matches(customerId, EXTERNAL_ID_PATTERN)) {
    problem('customerId', 'customerId must be 1 to 200 visible characters without spaces');
  } else if (given(anonymousId) && !matches(anonymousId, EXTERNAL_ID_PATTERN)) {
    problem('anonymousId', 'anonymousId must be 1 to 200 visible characters without spaces');
  }
  const time = dateTimeMillis(occurredAt);
  if (!Number.isFinite(time)) {
    problem('occurredAt', 'occurredAt must be an ISO 8601 date-time with a time zone, e.g. 2025-11-26T09:30:00Z');
  } else if (time > now + MAX_FUTURE_MS) {
    problem('occurredAt', `occurredAt must not be in the future (more than 24 h ahead), got "${String(occurredAt)}"`);
  }
  if (given(properties)) {
    const message = jsonObjectProblem(properties, MAX_PROPERTIES_BYTES);
    if (message) problem('properties', `properties ${message}`);
  }
  if (given(revenue) || given(currency)) {
    if (typeof revenue !== 'number' || !Number.isFinite(revenue) || revenue < 0 || revenue > 1e12 || Number(revenue.toFixed(4)) !== revenue) {
      problem('revenue', 'revenue must be a number from 0 to 1000000000000 with at most 4 decimals, given with currency');
    }
    if (typeof currency !== 'string' || !isISO4217CurrencyCode(currency)) {
      problem('currency', 'currency must be an ISO 4217 currency code such as EUR, given with revenue');
    }
  }
  if (given(channel) && !matches(channel, CHANNEL_PATTERN)) {
    problem('channel', `channel must be a channel name in lower case (letters, digits, _; e.g. email, sms, in_app), got "${short(channel)}"`);
  }
  if (errors.length > before) return undefined;

  return {
    source: given(source) ? (source as string) : DEFAULT_EVENT_SOURCE,
    eventId: eventId as string,
    type: type as string,
    customerId: given(customerId) ? (customerId as string) : undefined,
    anonymousId: given(anonymousId) ? (anonymousId as string) : undefined,
    occurredAt: new Date(time),
    channel: given(channel) ? (channel as string) : null,
    properties: given(properties) ? (properties as Record<string, unknown>) : {},
    revenue: given(revenue) ? (revenue as number) : null,
    currency: given(currency) ? (currency as string) : null,
  };
}

/** Like class-validator's IsOptional: null and undefined count as not given. */
function given(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function matches(value: unknown, pattern: RegExp): value is string {
  return typeof value === 'string' && pattern.test(value);
}

// Echo enough of a bad value to recognise it, not a whole payload.
function short(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
