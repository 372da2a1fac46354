import { ConflictException, Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import {
  type IngestedBatchDto,
  type IngestedEventDto,
  type IngestStatus,
  mapIngested,
  mapIngestedBatch,
  type NewCustomerEvent,
  parseIngestEvent,
  parseIngestEventBatch,
  type ParsedEvents,
} from '../dtos';
import { ValidationFailedException } from '../middleware/validation.pipe';
import { CustomerEventRepository, type ErasedProfile, MetricsRepository } from '../repositories';
import { EventDispatcherService } from './event-dispatcher.service';
import { GroupCommit } from './group-commit';
import { MessageRoutingTableService } from './message-routing-table.service';

const ERASED_REASON = 'the customer (or anonymous id) was erased; events from before the erasure, or for an id not created again since, are refused';

/**
 * Customer event ingestion. Who may post is checked by the route's roles (client, admin). A
 * batch is one transaction whatever its size: the events, the profiles they create and the
 * aggregates they move commit together or not at all; then the dispatcher is nudged to publish
 * their BPMN messages (see EventDispatcherService). A single event takes the same path.
 */
@Injectable()
export class EventService {
  private readonly ingested: Counter<'status'>;
  private readonly singles = new GroupCommit<NewCustomerEvent, IngestedEventDto>((events) => this.ingest(events));

  constructor(
    private readonly events: CustomerEventRepository,
    private readonly dispatcher: EventDispatcherService,
    private readonly routing: MessageRoutingTableService,
    metrics: MetricsRepository,
  ) {
    this.ingested = metrics.counter({
      name: 'travesia_events_ingested_total',
      help: 'Customer events received, by status (accepted, duplicate, refused).',
      labelNames: ['status'],
    });
  }

  /**
   * POST /events: 201 with `duplicate: false` when stored, 200 with `duplicate: true` when it
   * was already. Concurrent single events share transactions (group commit): one event per
   * request would otherwise cost a transaction of its own and cap the rate far below a batch's.
   */
  async ingestOne(body: unknown): Promise<IngestedEventDto> {
    const [event] = validated(parseIngestEvent(body));
    const result = await this.singles.submit(event);
    if (result.status === 'refused') throw new ConflictException(`Event ${result.source}/${result.eventId} refused: ${ERASED_REASON}`);
    return result;
  }

  /** POST /events/batch: all or nothing for invalid input (400); otherwise a status per event. */
  async ingestBatch(body: unknown): Promise<IngestedBatchDto> {
    return mapIngestedBatch(await this.ingest(validated(parseIngestEventBatch(body))));
  }

  private async ingest(events: NewCustomerEvent[]): Promise<IngestedEventDto[]> {
    // The first copy of an event id within a batch is the one stored; later copies are its duplicates.
    const firsts = new Map<string, NewCustomerEvent>();
    for (const event of events) {
      const key = `${event.source}\u0000${event.eventId}`;
      if (!firsts.has(key)) firsts.set(key, event);
    }
    const unique = [...firsts.values()];
    // Types no deployed journey catches never enter the outbox (see MessageRoutingTableService).
    const stored = await this.events.ingest(unique, refusesAfterErasure, (event) => this.routing.isRouted(event.type));
    const statusOf = new Map<NewCustomerEvent, IngestStatus>(unique.map((event, index) => [event, stored[index]]));
    if (stored.includes('accepted')) this.dispatcher.nudge();

    return events.map((event) => {
      const first = statusOf.get(firsts.get(`${event.source}\u0000${event.eventId}`) as NewCustomerEvent) as IngestStatus;
      const status: IngestStatus = statusOf.has(event) || first === 'refused' ? first : 'duplicate';
      this.ingested.inc({ status });
      return mapIngested(event, status, status === 'refused' ? ERASED_REASON : undefined);
    });
  }
}

/**
 * Erasure (GDPR art. 17) keeps a tombstone of the erased id (see CustomerPrivacyService). An
 * event for it is refused when it happened before the erasure — a replay or a late delivery of
 * the history that was erased must not bring it back — and also when no profile was created
 * again for the id since: a source that still sends events about an erased person must not
 * silently rebuild a profile. Only an explicit upsert (PUT) re-creates it; from then on, newer
 * events are accepted as about a new relationship.
 */
function refusesAfterErasure(event: NewCustomerEvent, erased: ErasedProfile): boolean {
  return !erased.exists || event.occurredAt.getTime() <= erased.erasedAt.getTime();
}

function validated(parsed: ParsedEvents): NewCustomerEvent[] {
  if ('errors' in parsed) throw new ValidationFailedException(parsed.errors);
  return parsed.events;
}
