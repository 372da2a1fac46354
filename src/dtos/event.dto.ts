import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EXAMPLE } from './example-values';

export const MAX_EVENTS_PER_BATCH = 1_000;
export const MAX_PROPERTIES_BYTES = 8_192;
export const DEFAULT_EVENT_SOURCE = 'default';

/**
 * One customer event, as clients post it. The request classes here only document the API:
 * event bodies are checked by `parseIngestEvent` / `parseIngestEventBatch` (event-input.parser.ts),
 * not by class-validator, because a batch of 1,000 events costs class-transformer and
 * class-validator ~60 ms of CPU, more than storing it, and ingestion is meant to go past
 * 10,000 events/s. The parser answers with the same 400 shape and messages.
 */
export class IngestEventDto {
  @ApiPropertyOptional({
    default: DEFAULT_EVENT_SOURCE,
    example: 'shop',
    pattern: '^[a-z0-9][a-z0-9._-]{0,63}$',
    description: 'The system the event comes from; event ids are unique per source.',
  })
  source?: string;

  @ApiProperty({ example: 'ord-2025-000042', maxLength: 200, description: 'Unique per source: posting an event id again has no second effect.' })
  eventId: string;

  @ApiProperty({
    example: 'order.placed',
    maxLength: 100,
    pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$',
    description: 'Dotted lower-case words; also the name of the BPMN message it becomes.',
  })
  type: string;

  @ApiPropertyOptional({ example: EXAMPLE.customerId, description: "The customer's external id. Exactly one of customerId and anonymousId." })
  customerId?: string;

  @ApiPropertyOptional({ example: EXAMPLE.anonymousId, description: 'For a visitor not identified yet (cookie, device id); instead of customerId.' })
  anonymousId?: string;

  @ApiProperty({ format: 'date-time', example: '2025-11-26T09:30:00Z', description: 'When it happened, with a time zone; at most a day ahead.' })
  occurredAt: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { orderId: 'o-42', items: 3 },
    description: `Free JSON, at most ${MAX_PROPERTIES_BYTES} bytes; they become variables of the BPMN message.`,
  })
  properties?: Record<string, unknown>;

  @ApiPropertyOptional({ example: 59.9, minimum: 0, description: 'Makes the event a purchase; at most 4 decimals; needs currency.' })
  revenue?: number;

  @ApiPropertyOptional({ example: 'EUR', description: 'ISO 4217; needs revenue.' })
  currency?: string;

  @ApiPropertyOptional({ example: 'web', description: 'Where the customer interacted: web, app, email, sms, store, call_center…' })
  channel?: string;
}

export class IngestEventBatchDto {
  @ApiProperty({ type: [IngestEventDto], minItems: 1, maxItems: MAX_EVENTS_PER_BATCH })
  events: IngestEventDto[];
}

/**
 * Whole request bodies for the OpenAPI document: the properties' own examples name both
 * customerId and anonymousId, of which an event takes exactly one.
 */
export const INGEST_EVENT_EXAMPLES = {
  purchase: {
    summary: 'A known customer places an order',
    value: {
      source: 'shop',
      eventId: 'ord-2025-000042',
      type: 'order.placed',
      customerId: EXAMPLE.customerId,
      occurredAt: '2025-11-26T09:30:00Z',
      properties: { orderId: 'o-42', items: 3 },
      revenue: 59.9,
      currency: 'EUR',
      channel: 'web',
    },
  },
  anonymous: {
    summary: 'A visitor not identified yet views a page',
    value: {
      source: 'web',
      eventId: 'pv-8c1f2e',
      type: 'page.viewed',
      anonymousId: EXAMPLE.anonymousId,
      occurredAt: '2025-11-26T09:25:12Z',
      properties: { path: '/pricing' },
      channel: 'web',
    },
  },
} satisfies Record<string, { summary: string; value: IngestEventDto }>;

export const INGEST_EVENT_BATCH_EXAMPLES = {
  batch: { summary: 'A page view, then a purchase', value: { events: [INGEST_EVENT_EXAMPLES.anonymous.value, INGEST_EVENT_EXAMPLES.purchase.value] } },
} satisfies Record<string, { summary: string; value: IngestEventBatchDto }>;

export const INGEST_STATUSES = ['accepted', 'duplicate', 'refused'] as const;
export type IngestStatus = (typeof INGEST_STATUSES)[number];

export class IngestedEventDto {
  @ApiProperty({ example: 'shop' })
  source: string;

  @ApiProperty({ example: 'ord-2025-000042' })
  eventId: string;

  @ApiProperty({
    enum: INGEST_STATUSES,
    description: 'accepted: stored now; duplicate: stored before, nothing changed; refused: the customer was erased (see reason).',
    example: 'accepted',
  })
  status: IngestStatus;

  @ApiProperty({ description: 'True when the event had been received before and this post changed nothing.', example: false })
  duplicate: boolean;

  @ApiPropertyOptional({
    description: 'Why it was refused (status refused only).',
    example: 'the customer (or anonymous id) was erased; events from before the erasure, or for an id not created again since, are refused',
  })
  reason?: string;
}

export class IngestedBatchDto {
  @ApiProperty({ description: 'Events stored by this post.', example: 998 })
  accepted: number;

  @ApiProperty({ description: 'Events received before: nothing changed for them.', example: 2 })
  duplicates: number;

  @ApiProperty({ description: 'Events of erased customers.', example: 0 })
  refused: number;

  @ApiProperty({ type: [IngestedEventDto], description: 'One per posted event, in the order posted.' })
  results: IngestedEventDto[];
}

export const ROUTING_STATES = ['pending', 'published', 'skipped', 'failed'] as const;
export type RoutingState = (typeof ROUTING_STATES)[number];

/** A stored event, as the customer export shows it. */
export class CustomerEventDto {
  @ApiProperty({ example: 'shop' })
  source: string;

  @ApiProperty({ example: 'ord-2025-000042' })
  eventId: string;

  @ApiProperty({ example: 'order.placed' })
  type: string;

  @ApiProperty({ format: 'date-time', example: '2025-11-26T09:30:00.000Z' })
  occurredAt: string;

  @ApiProperty({ format: 'date-time', example: '2025-11-26T09:30:00.213Z' })
  receivedAt: string;

  @ApiProperty({ nullable: true, type: String, example: 'web' })
  channel: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { orderId: 'o-42', items: 3 } })
  properties: Record<string, unknown>;

  @ApiProperty({ nullable: true, type: Number, example: 59.9 })
  revenue: number | null;

  @ApiProperty({ nullable: true, type: String, example: 'EUR' })
  currency: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The anonymous id it arrived with, if any.', example: null })
  anonymousId: string | null;

  @ApiProperty({
    enum: ROUTING_STATES,
    description: 'Its BPMN message: pending, published, skipped (no journey catches this type) or failed (refused for good by the engine).',
    example: 'published',
  })
  routing: RoutingState;
}

// Shapes between service and repositories, and the mappers.

/** A validated event, ready to store. */
export interface NewCustomerEvent {
  readonly source: string;
  readonly eventId: string;
  readonly type: string;
  readonly customerId?: string;
  readonly anonymousId?: string;
  readonly occurredAt: Date;
  readonly channel: string | null;
  readonly properties: Record<string, unknown>;
  readonly revenue: number | null;
  readonly currency: string | null;
}

export interface CustomerEventRow {
  readonly source: string;
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: Date;
  readonly receivedAt: Date;
  readonly channel: string | null;
  readonly properties: Record<string, unknown>;
  readonly revenue: string | null;
  readonly currency: string | null;
  readonly anonymousId: string | null;
  readonly routing: Exclude<RoutingState, 'pending'> | null;
}

export function mapIngested(event: NewCustomerEvent, status: IngestStatus, reason?: string): IngestedEventDto {
  return { source: event.source, eventId: event.eventId, status, duplicate: status === 'duplicate', ...(reason ? { reason } : {}) };
}

export function mapIngestedBatch(results: IngestedEventDto[]): IngestedBatchDto {
  const count = (status: IngestStatus) => results.filter((result) => result.status === status).length;
  return { accepted: count('accepted'), duplicates: count('duplicate'), refused: count('refused'), results };
}

export function mapCustomerEvent(row: CustomerEventRow): CustomerEventDto {
  return {
    source: row.source,
    eventId: row.eventId,
    type: row.type,
    occurredAt: row.occurredAt.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
    channel: row.channel,
    properties: row.properties,
    revenue: row.revenue === null ? null : Number(row.revenue),
    currency: row.currency,
    anonymousId: row.anonymousId,
    routing: row.routing ?? 'pending',
  };
}
