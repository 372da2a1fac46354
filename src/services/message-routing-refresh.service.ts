import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config';
import { JourneyRepository } from '../repositories';
import { JourneyService } from './journey.service';
import { MessageRoutingTableService } from './message-routing-table.service';

/** How often the table is rebuilt from the database, for changes made by other processes (and archiving). */
export const ROUTING_REFRESH_INTERVAL_MS = 30_000;

/**
 * Feeds the {@link MessageRoutingTableService} from the journeys deployed through Travesía: at
 * boot, right after every deploy (JourneyVersionService calls {@link refresh}), and every
 * {@link ROUTING_REFRESH_INTERVAL_MS} — which is how other processes learn of a deploy, and how
 * archiving a journey (which only ever shrinks the table) takes effect.
 *
 * The switch is explicit and logged: while no journey version was ever deployed through
 * Travesía, the table routes every event type (processes deployed straight to the engine, with
 * zbctl or a modeller, still get their messages); from the first deploy on, only the names
 * deployed journeys catch (JourneyService.catchableMessageNames) are published, and events of
 * other types are stored as not routed (`skipped`). Refreshes run one at a time, in order; a
 * refresh that fails keeps the table as it was.
 */
@Injectable()
export class MessageRoutingRefreshService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MessageRoutingRefreshService.name);
  private timer: NodeJS.Timeout | undefined;
  private last: Promise<void> = Promise.resolve();
  private described: string | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly journeys: JourneyService,
    private readonly journeyRepository: JourneyRepository,
    private readonly routing: MessageRoutingTableService,
  ) {}

  /** Only processes that ingest events (the API) use the table. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runs('api')) return;
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), ROUTING_REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.last;
  }

  /** Rebuilds the table from the deployed journeys; never rejects. */
  refresh(): Promise<void> {
    this.last = this.last.then(() => this.rebuild());
    return this.last;
  }

  private async rebuild(): Promise<void> {
    try {
      const deployed = await this.journeyRepository.deployedMessageNames();
      if (deployed.length === 0) {
        this.routing.routeEverything();
        this.logChange('every event type is published as a message (no journey was deployed through Travesía yet)');
      } else {
        const names = [...(await this.journeys.catchableMessageNames())].sort();
        this.routing.replaceCatchableNames(names);
        this.logChange(`only the ${names.length} message name(s) deployed journeys catch are published (${names.join(', ') || 'none'}); events of other types are stored as not routed`);
      }
    } catch (error) {
      this.logger.warn(`could not refresh the message routing table, keeping it as it was: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private logChange(description: string): void {
    if (description !== this.described) this.logger.log(`Event routing: ${description}`);
    this.described = description;
  }
}
