import { parseIngestEvent, parseIngestEventBatch } from './event-input.parser';

const valid = { eventId: 'e-1', type: 'order.placed', customerId: 'c-1', occurredAt: '2025-09-01T10:00:00+02:00' };

function problems(body: unknown) {
  const parsed = parseIngestEvent(body);
  return 'errors' in parsed ? parsed.errors : [];
}

describe('parseIngestEvent', () => {
  it('should fill in the defaults and keep the instant of occurredAt', () => {
    expect(parseIngestEvent(valid)).toEqual({
      events: [
        {
          source: 'default',
          eventId: 'e-1',
          type: 'order.placed',
          customerId: 'c-1',
          anonymousId: undefined,
          occurredAt: new Date('2025-09-01T08:00:00Z'),
          channel: null,
          properties: {},
          revenue: null,
          currency: null,
        },
      ],
    });
  });

  it('should treat null like a field left out', () => {
    expect(problems({ ...valid, anonymousId: null, properties: null, channel: null, revenue: null, currency: null, source: null })).toEqual([]);
  });

  it.each([
    ['a type without a dot', { type: 'purchase' }, 'type'],
    ['a type in upper case', { type: 'Order.Placed' }, 'type'],
    ['a time without a zone', { occurredAt: '2025-09-01T10:00:00' }, 'occurredAt'],
    ['an impossible date', { occurredAt: '2025-02-30T10:00:00Z' }, 'occurredAt'],
    ['both ids', { anonymousId: 'a-1' }, 'customerId'],
    ['an id with a space', { customerId: 'c 1' }, 'customerId'],
    ['an event id with a control character', { eventId: 'e\n1' }, 'eventId'],
    ['revenue with 5 decimals', { revenue: 1.23456, currency: 'EUR' }, 'revenue'],
    ['negative revenue', { revenue: -1, currency: 'EUR' }, 'revenue'],
    ['revenue as text', { revenue: '10', currency: 'EUR' }, 'revenue'],
    ['a currency without revenue', { currency: 'EUR' }, 'revenue'],
    ['an unknown currency', { revenue: 10, currency: 'EURO' }, 'currency'],
    ['properties that are an array', { properties: [1] }, 'properties'],
    ['properties with NUL', { properties: { name: 'a\u0000b' } }, 'properties'],
    ['properties over 8 KiB', { properties: { blob: 'x'.repeat(8_200) } }, 'properties'],
    ['a source with capitals', { source: 'Shop' }, 'source'],
    ['a channel with a dash', { channel: 'call-center' }, 'channel'],
  ])('should refuse %s', (_, change, field) => {
    expect(problems({ ...valid, ...change }).map((problem) => problem.field)).toContain(field);
  });

  it('should accept revenue with 4 decimals, 0, and a zone offset without a colon', () => {
    expect(problems({ ...valid, revenue: 19.9999, currency: 'EUR', occurredAt: '2025-09-01T10:00:00.123456+0530' })).toEqual([]);
    expect(problems({ ...valid, revenue: 0, currency: 'JPY' })).toEqual([]);
  });
});

describe('parseIngestEventBatch', () => {
  it('should name the event and field of each problem', () => {
    expect(parseIngestEventBatch({ events: [valid, { ...valid, type: 'x' }, 'nope'] })).toEqual({
      errors: [
        { field: 'events.1.type', messages: ['type must be dotted lower-case words such as order.placed (at most 100 characters), got "x"'] },
        { field: 'events.2', messages: ['events.2 must be an event object'] },
      ],
    });
  });

  it('should refuse other top-level properties', () => {
    expect(parseIngestEventBatch({ events: [valid], extra: 1 })).toEqual({ errors: [{ field: 'extra', messages: ['property extra should not exist'] }] });
  });
});
