import { Injectable } from '@nestjs/common';

/** Which message names some deployed journey can catch. Ingestion and the event dispatcher ask it for every event. */
export interface MessageRoutingTable {
  isRouted(messageName: string): boolean;
}

/**
 * The routing table the event dispatcher uses. Publishing a message costs a gRPC call and an
 * engine command per event, by far the most expensive part of ingesting it, and most event types
 * (page views, opens…) are caught by no journey: publishing those only buys Zeebe the work of
 * buffering them for their time to live and dropping them.
 *
 * Until someone feeds the table, it routes every name (publishing everything is always correct,
 * only slower). MessageRoutingRefreshService, which reads the deployed journeys at boot, after
 * each deploy and every 30 s, calls {@link replaceCatchableNames} with every message name that
 * a deployed diagram can catch: message start events, intermediate catch events, receive tasks
 * and boundary events, plus event-based gateway branches and event subprocess starts. From then on, only
 * those names are published; events of other types are stored as `skipped` and never enter the
 * outbox, so they cost ingestion nothing more than the insert. An event skipped before a journey
 * that catches its type was deployed is not published later: it would only have waited in the
 * engine for its time to live anyway.
 *
 * The table is per process: each process that dispatches events is fed from the journeys
 * stored in PostgreSQL (see MessageRoutingRefreshService).
 */
@Injectable()
export class MessageRoutingTableService implements MessageRoutingTable {
  /** Undefined: nobody has said yet, so every name is routed. */
  private catchable: ReadonlySet<string> | undefined;

  isRouted(messageName: string): boolean {
    return this.catchable === undefined || this.catchable.has(messageName);
  }

  /** From now on, route exactly these names. */
  replaceCatchableNames(names: Iterable<string>): void {
    this.catchable = new Set(names);
  }

  /** Back to routing every name. */
  routeEverything(): void {
    this.catchable = undefined;
  }
}
