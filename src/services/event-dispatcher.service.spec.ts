import { Logger } from '@nestjs/common';
import { loadConfig } from '../config';
import { type BpmnMessage, MetricsRepository, type OutboxEvent, type PublishOutcome, type RoutingOutcome } from '../repositories';
import { EventDispatcherService, toMessage } from './event-dispatcher.service';
import { MessageRoutingTableService } from './message-routing-table.service';

/** The outbox: hands its events to the round and keeps what the round decided. */
class FakeOutbox {
  outcomes: RoutingOutcome[] = [];
  constructor(private readonly events: OutboxEvent[]) {}

  async dispatch(limit: number, route: (events: OutboxEvent[]) => Promise<RoutingOutcome[]>): Promise<number> {
    const claimed = this.events.splice(0, limit);
    this.outcomes = await route(claimed);
    return claimed.length;
  }

  async backlog(): Promise<number> {
    return this.events.length;
  }
}

/** The Zeebe client: answers by message id, records what it was sent and how many calls overlapped. */
class FakePublisher {
  readonly sent: BpmnMessage[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(private readonly answer: (message: BpmnMessage) => PublishOutcome = () => ({ status: 'published' })) {}

  async publish(message: BpmnMessage): Promise<PublishOutcome> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.inFlight--;
    this.sent.push(message);
    return this.answer(message);
  }
}

function outboxEvent(id: number, overrides: Partial<OutboxEvent> = {}): OutboxEvent {
  return {
    id: String(id),
    source: 'shop',
    eventId: `e-${id}`,
    type: 'order.placed',
    occurredAt: new Date('2025-09-01T10:00:00Z'),
    channel: null,
    properties: {},
    revenue: null,
    currency: null,
    customerId: 'c-1',
    anonymousId: null,
    attempts: 0,
    ...overrides,
  };
}

function dispatcher(outbox: FakeOutbox, publisher: FakePublisher, routing = new MessageRoutingTableService()) {
  const config = loadConfig({ NODE_ENV: 'test', EVENT_MESSAGE_TTL_MS: '5000' });
  return new EventDispatcherService(config, outbox as never, publisher as never, routing, new MetricsRepository());
}

describe('EventDispatcherService', () => {
  // The dispatcher warns about engines that are away; that is the point of several tests here.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));

  it('should publish each event as a message named by its type, keyed by the customer id, de-duplicated by source and event id', async () => {
    // given
    const outbox = new FakeOutbox([
      outboxEvent(1, { properties: { orderId: 'o-1', type: 'ignored' }, revenue: '59.9000', currency: 'EUR', channel: 'web' }),
    ]);
    const publisher = new FakePublisher();

    // when
    await dispatcher(outbox, publisher).dispatchOnce();

    // then
    expect(publisher.sent).toEqual([
      {
        name: 'order.placed',
        correlationKey: 'c-1',
        messageId: 'shop/e-1',
        timeToLiveMs: 5000,
        variables: {
          orderId: 'o-1',
          type: 'order.placed',
          eventId: 'e-1',
          occurredAt: '2025-09-01T10:00:00.000Z',
          customerId: 'c-1',
          channel: 'web',
          revenue: 59.9,
          currency: 'EUR',
        },
      },
    ]);
    expect(outbox.outcomes).toEqual([{ id: '1', state: 'published' }]);
  });

  it('should key the events of a Ghost profile by its anonymous id', () => {
    const message = toMessage(outboxEvent(1, { customerId: null, anonymousId: 'anon-1' }), 0);

    expect(message.correlationKey).toBe('anonymous:anon-1');
    expect(message.variables).toMatchObject({ anonymousId: 'anon-1' });
    expect(message.variables).not.toHaveProperty('customerId');
  });

  it('should skip the types no deployed journey catches, once the routing table is fed', async () => {
    // given
    const routing = new MessageRoutingTableService();
    routing.replaceCatchableNames(['order.placed']);
    const outbox = new FakeOutbox([outboxEvent(1, { type: 'page.viewed' }), outboxEvent(2)]);
    const publisher = new FakePublisher();

    // when
    await dispatcher(outbox, publisher, routing).dispatchOnce();

    // then
    expect(publisher.sent.map((message) => message.name)).toEqual(['order.placed']);
    expect(outbox.outcomes).toEqual([
      { id: '1', state: 'skipped' },
      { id: '2', state: 'published' },
    ]);
  });

  it('should retry with backoff when the engine is away, holding back the customer’s later events but not other customers’', async () => {
    // given: the engine refuses c-1's first event; c-2 goes through
    const outbox = new FakeOutbox([
      outboxEvent(1, { attempts: 3 }),
      outboxEvent(2),
      outboxEvent(3, { customerId: 'c-2' }),
    ]);
    const publisher = new FakePublisher((message) =>
      message.messageId === 'shop/e-1' ? { status: 'retry', error: '14 UNAVAILABLE: no connection' } : { status: 'published' },
    );
    const before = Date.now();

    // when
    await dispatcher(outbox, publisher).dispatchOnce();

    // then
    expect(publisher.sent.map((message) => message.messageId).sort()).toEqual(['shop/e-1', 'shop/e-3']);
    const [first, second, third] = outbox.outcomes;
    expect(first).toMatchObject({ state: 'retry', attempted: true, error: '14 UNAVAILABLE: no connection' });
    // 4th attempt: 1 s × 2³, ± 20 % jitter
    const delay = (first as { retryAt: Date }).retryAt.getTime() - before;
    expect(delay).toBeGreaterThanOrEqual(6_400);
    expect(delay).toBeLessThanOrEqual(9_700);
    expect(second).toMatchObject({ state: 'retry', attempted: false, retryAt: (first as { retryAt: Date }).retryAt });
    expect(third).toEqual({ id: '3', state: 'published' });
  });

  it('should cap the backoff', async () => {
    const outbox = new FakeOutbox([outboxEvent(1, { attempts: 40 })]);
    const before = Date.now();

    await dispatcher(outbox, new FakePublisher(() => ({ status: 'retry', error: 'down' }))).dispatchOnce();

    expect((outbox.outcomes[0] as { retryAt: Date }).retryAt.getTime() - before).toBeLessThanOrEqual(360_000 + 100);
  });

  it('should give up on an event the engine refuses for good', async () => {
    const outbox = new FakeOutbox([outboxEvent(1)]);

    await dispatcher(outbox, new FakePublisher(() => ({ status: 'failed', error: '3 INVALID_ARGUMENT: variables too large' }))).dispatchOnce();

    expect(outbox.outcomes).toEqual([{ id: '1', state: 'failed', error: '3 INVALID_ARGUMENT: variables too large' }]);
  });

  it('should publish one customer’s events in order, and keep the calls in flight bounded', async () => {
    // given: 300 customers with 2 events each
    const events = Array.from({ length: 600 }, (_, i) => outboxEvent(i, { customerId: `c-${i % 300}` }));
    const outbox = new FakeOutbox(events);
    const publisher = new FakePublisher();

    // when
    const claimed = await dispatcher(outbox, publisher).dispatchOnce();

    // then
    expect(publisher.maxInFlight).toBeLessThanOrEqual(128);
    expect(publisher.maxInFlight).toBeGreaterThan(1);
    const order = publisher.sent.map((message) => message.messageId);
    for (let c = 0; c < 200; c += 37) {
      expect(order.indexOf(`shop/e-${c}`)).toBeLessThan(order.indexOf(`shop/e-${c + 300}`));
    }
    expect(claimed).toBe(512);
    expect(outbox.outcomes.every((outcome) => outcome.state === 'published')).toBe(true);
  });
});
