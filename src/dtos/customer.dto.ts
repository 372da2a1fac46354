import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsExternalId } from './customer-data.validators';
import type { ErrorResponseDoc } from './error-responses.decorator';
import { CustomerEventDto } from './event.dto';
import { EXAMPLE } from './example-values';

/**
 * The lifecycle segments of the product brief. Computing them is a later issue; until then the
 * field is whatever the client (or nobody) set.
 */
export const SEGMENTS = ['new', 'lead', 'waiting', 'at_risk', 'lost', 'hero', 'occasional', 'repeater', 'ghost'] as const;
export type Segment = (typeof SEGMENTS)[number];

export const MAX_ATTRIBUTES_BYTES = 16_384;

export const NO_SUCH_CUSTOMER: ErrorResponseDoc = {
  description: 'No such customer.',
  message: `Expected the external id of a customer, found no customer ${EXAMPLE.customerId}`,
};

export class CustomerIdParamDto {
  @ApiProperty({ description: "The client's id of the customer.", example: EXAMPLE.customerId })
  @IsExternalId()
  externalId: string;
}

export class ConsentDto {
  @ApiProperty({ example: true })
  granted: boolean;

  @ApiProperty({ format: 'date-time', example: '2025-11-26T09:28:00.000Z' })
  at: string;

  @ApiProperty({ example: 'signup-form' })
  source: string;
}

export class ConsentChangeDto extends ConsentDto {
  @ApiProperty({ example: 'email' })
  channel: string;

  @ApiProperty({ format: 'date-time', description: 'When Travesía recorded it.', example: EXAMPLE.createdAt })
  recordedAt: string;
}

export class ChannelActivityDto {
  @ApiProperty({ format: 'date-time', example: '2025-11-26T09:30:00.000Z' })
  lastInteractionAt: string;

  @ApiProperty({ example: 7 })
  eventCount: number;
}

export class RevenueDto {
  @ApiProperty({ example: 129.9 })
  amount: number;

  @ApiProperty({ example: 2 })
  purchaseCount: number;
}

export class CustomerAggregatesDto {
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2025-11-02T18:11:05.000Z' })
  firstSeenAt: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2025-11-26T09:30:00.000Z' })
  lastSeenAt: string | null;

  @ApiProperty({ example: 9 })
  eventCount: number;

  @ApiProperty({ description: 'Events that carried revenue.', example: 2 })
  purchaseCount: number;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2025-11-10T20:45:12.000Z' })
  firstPurchaseAt: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2025-11-26T09:30:00.000Z' })
  lastPurchaseAt: string | null;

  @ApiProperty({ type: 'object', additionalProperties: { $ref: getSchemaPath(RevenueDto) }, description: 'By currency.', example: { EUR: { amount: 129.9, purchaseCount: 2 } } })
  revenue: Record<string, RevenueDto>;

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(ChannelActivityDto) },
    description: 'Last interaction by channel.',
    example: { web: { lastInteractionAt: '2025-11-26T09:30:00.000Z', eventCount: 7 }, email: { lastInteractionAt: '2025-11-21T07:02:44.000Z', eventCount: 2 } },
  })
  channels: Record<string, ChannelActivityDto>;
}

export class CustomerAddressesDto {
  @ApiPropertyOptional({ example: 'ana@example.com' })
  email?: string;

  @ApiPropertyOptional({ description: 'E.164.', example: '+34600111222' })
  phone?: string;

  @ApiPropertyOptional({ type: [String], example: ['fcm:dQw4w9WgXcQ:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx'] })
  pushTokens?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { whatsapp: '+34600111222' } })
  other?: Record<string, string>;
}

export class CustomerDto {
  @ApiProperty({ example: EXAMPLE.customerId })
  externalId: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { firstName: 'Ana', plan: 'gold', interests: ['running'] } })
  attributes: Record<string, unknown>;

  @ApiProperty({ type: CustomerAddressesDto })
  addresses: CustomerAddressesDto;

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(ConsentDto) },
    description: 'Current consent by channel.',
    example: { email: { granted: true, at: '2025-11-26T09:28:00.000Z', source: 'signup-form' }, sms: { granted: false, at: '2025-11-26T09:28:00.000Z', source: 'signup-form' } },
  })
  consents: Record<string, ConsentDto>;

  @ApiProperty({ nullable: true, type: String, example: 'Europe/Madrid' })
  timezone: string | null;

  @ApiProperty({ nullable: true, enum: SEGMENTS, example: 'lead' })
  segment: Segment | null;

  @ApiProperty({ type: CustomerAggregatesDto })
  aggregates: CustomerAggregatesDto;

  @ApiProperty({ format: 'date-time', example: '2025-11-02T18:11:05.000Z' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', description: 'Last change of the profile (not of its aggregates).', example: '2025-11-26T09:28:00.000Z' })
  updatedAt: string;
}

export class CustomerPageDto {
  @ApiProperty({ type: [CustomerDto] })
  items: CustomerDto[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page.', example: 'MTc2NDE0OTI4MDAwMDAwMC40Mg' })
  nextCursor: string | null;
}

export class IdentifyResultDto {
  @ApiProperty({ type: CustomerDto })
  customer: CustomerDto;

  @ApiProperty({ example: EXAMPLE.anonymousId })
  anonymousId: string;

  @ApiProperty({ description: 'True when an anonymous profile was merged into the customer by this call.', example: true })
  merged: boolean;

  @ApiProperty({ description: 'Events moved from the anonymous profile to the customer by this call.', example: 4 })
  eventsMoved: number;
}

export class CustomerExportDto {
  @ApiProperty({ format: 'date-time', example: '2025-11-27T10:00:00.000Z' })
  exportedAt: string;

  @ApiProperty({ type: CustomerDto, description: 'Profile, current consents and aggregates.' })
  customer: CustomerDto;

  @ApiProperty({ type: [String], description: 'Anonymous ids merged into or linked to the customer.', example: [EXAMPLE.anonymousId] })
  anonymousIds: string[];

  @ApiProperty({ type: [ConsentChangeDto] })
  consentHistory: ConsentChangeDto[];

  @ApiProperty({ type: [CustomerEventDto] })
  events: CustomerEventDto[];

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'What other parts of Travesía hold about the customer, by part: `enrolments` (as GET /api/enrolments/:id shows them) and `journeys` (the items of the customer history).',
    example: {
      enrolments: [
        { id: EXAMPLE.enrolmentId, journeyId: EXAMPLE.journeyId, processId: 'welcome', version: 2, customerId: EXAMPLE.customerId, status: 'completed', createdAt: EXAMPLE.createdAt },
      ],
      journeys: [
        { kind: 'journey', at: EXAMPLE.startedAt, processInstanceKey: EXAMPLE.processInstanceKey, journey: { id: EXAMPLE.journeyId, name: 'Welcome', processId: 'welcome', version: 2 } },
      ],
    },
  })
  related: Record<string, unknown>;
}

// Rows as the repositories return them, and their mappers.

export interface ConsentState {
  readonly granted: boolean;
  readonly at: string;
  readonly source: string;
}

export interface StoredAddresses {
  email?: string;
  phone?: string;
  pushTokens?: string[];
  other?: Record<string, string>;
}

export interface CustomerRow {
  readonly id: string;
  readonly externalId: string;
  readonly attributes: Record<string, unknown>;
  readonly addresses: StoredAddresses;
  readonly consents: Record<string, ConsentState>;
  readonly timezone: string | null;
  readonly segment: Segment | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly firstSeenAt: Date | null;
  readonly lastSeenAt: Date | null;
  readonly eventCount: number;
  readonly purchaseCount: number;
  readonly firstPurchaseAt: Date | null;
  readonly lastPurchaseAt: Date | null;
  readonly revenue: Record<string, { amount: number; purchaseCount: number }>;
  readonly channels: Record<string, { lastInteractionAt: string; eventCount: number }>;
}

export interface ConsentChangeRow {
  readonly channel: string;
  readonly granted: boolean;
  readonly givenAt: Date;
  readonly source: string;
  readonly recordedAt: Date;
}

export function mapCustomer(row: CustomerRow): CustomerDto {
  return {
    externalId: row.externalId,
    attributes: row.attributes,
    addresses: row.addresses,
    consents: row.consents,
    timezone: row.timezone,
    segment: row.segment,
    aggregates: {
      firstSeenAt: isoOrNull(row.firstSeenAt),
      lastSeenAt: isoOrNull(row.lastSeenAt),
      eventCount: row.eventCount,
      purchaseCount: row.purchaseCount,
      firstPurchaseAt: isoOrNull(row.firstPurchaseAt),
      lastPurchaseAt: isoOrNull(row.lastPurchaseAt),
      revenue: row.revenue,
      channels: Object.fromEntries(
        Object.entries(row.channels).map(([channel, activity]) => [
          channel,
          { lastInteractionAt: new Date(activity.lastInteractionAt).toISOString(), eventCount: activity.eventCount },
        ]),
      ),
    },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function mapConsentChange(row: ConsentChangeRow): ConsentChangeDto {
  return {
    channel: row.channel,
    granted: row.granted,
    at: row.givenAt.toISOString(),
    source: row.source,
    recordedAt: row.recordedAt.toISOString(),
  };
}

export function mapCustomerPage(rows: CustomerRow[], nextCursor: string | null): CustomerPageDto {
  return { items: rows.map(mapCustomer), nextCursor };
}

function isoOrNull(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
