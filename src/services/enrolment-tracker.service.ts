import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config';
import type { EnrolmentRow } from '../dtos';
import { EnrolmentRepository, InstanceStateRepository } from '../repositories';

/** How often the background round runs. */
const SWEEP_INTERVAL_MS = 5_000;
/** A pending enrolment nobody waits for any more is failed after this long (see {@link EnrolmentTrackerService}). */
export const STALE_PENDING_MS = 10 * 60_000;

/**
 * Keeps enrolments in step with their instances: an enrolment is `active` until Travesía learns
 * that its instance ended. Zeebe does not tell a client when an instance ends, so the tracker
 * asks the engine through {@link InstanceStateRepository} — the embedded engine's record log, or
 * a probe of a real Zeebe — in two ways:
 * - on read: every enrolment read or listed, and every open enrolment a new enrolment of the
 *   same customer depends on (re-entry rules), is checked first;
 * - in the background, in processes that serve the API: every few seconds, a batch of active
 *   enrolments, those checked longest ago first, so that even unread enrolments (and lists
 *   filtered by status) catch up within (active enrolments ÷ batch size) rounds.
 * The same round fails enrolments stuck in `pending`: the process that started them stopped
 * before the engine answered, so whether an instance exists is unknown (a real Zeebe offers no
 * way to find it); they are failed after {@link STALE_PENDING_MS} with a message saying so.
 */
@Injectable()
export class EnrolmentTrackerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EnrolmentTrackerService.name);
  /** Enrolments whose CreateProcessInstance call this process still waits for. */
  private readonly starting = new Map<string, Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> | undefined;
  private lastError: string | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly enrolments: EnrolmentRepository,
    private readonly instances: InstanceStateRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runs('api')) return;
    this.timer = setInterval(() => {
      this.round ??= this.sweepOnce()
        .catch((error: unknown) => this.warnOnce(`could not check enrolments against the engine: ${messageOf(error)}`))
        .finally(() => (this.round = undefined));
    }, SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.round;
  }

  /** Notes that this process waits for the engine to start `enrolmentId`'s instance, until `call` settles. */
  track(enrolmentId: string, call: Promise<unknown>): void {
    this.starting.set(enrolmentId, call);
    call.then(
      () => this.starting.delete(enrolmentId),
      () => this.starting.delete(enrolmentId),
    );
  }

  /** The call this process waits for to start the enrolment's instance, if any. */
  startCall(enrolmentId: string): Promise<unknown> | undefined {
    return this.starting.get(enrolmentId);
  }

  /**
   * The enrolments with the status of their instances brought up to date. When the engine cannot
   * be asked, they come back as they were: the last known status.
   */
  async reconcile(rows: readonly EnrolmentRow[]): Promise<EnrolmentRow[]> {
    const keys = rows.filter((row) => row.status === 'active' && row.processInstanceKey !== null).map((row) => row.processInstanceKey as string);
    if (keys.length === 0) return [...rows];
    try {
      const endedKeys = new Set<string>();
      const changed = new Map<string, EnrolmentRow>();
      for (let start = 0; start < keys.length; start += this.instances.batchSize) {
        const ended = await this.instances.ended(keys.slice(start, start + this.instances.batchSize));
        for (const end of ended) endedKeys.add(end.processInstanceKey);
        for (const row of await this.enrolments.markEnded(ended)) changed.set(row.id, row);
      }
      // An ended instance whose enrolment did not change here was recorded by another writer meanwhile.
      return Promise.all(
        rows.map(async (row) => changed.get(row.id) ?? (endedKeys.has(row.processInstanceKey ?? '') ? ((await this.enrolments.find(row.id)) ?? row) : row)),
      );
    } catch (error) {
      this.warnOnce(`could not check enrolments against the engine, showing their last known status: ${messageOf(error)}`);
      return [...rows];
    }
  }

  /** One background round: a batch of active enrolments checked, stale pending ones failed. Resolves with how many ended. */
  async sweepOnce(): Promise<number> {
    const due = await this.enrolments.dueForCheck(this.instances.batchSize);
    let ended = 0;
    if (due.length > 0) {
      const ends = await this.instances.ended(due.map((row) => row.processInstanceKey as string));
      ended = (await this.enrolments.markEnded(ends)).length;
      const endedKeys = new Set(ends.map((end) => end.processInstanceKey));
      await this.enrolments.markChecked(due.filter((row) => !endedKeys.has(row.processInstanceKey as string)).map((row) => row.id));
    }
    const stale = await this.enrolments.failStalePending(
      new Date(Date.now() - STALE_PENDING_MS),
      [...this.starting.keys()],
      'The engine had not confirmed the instance when the service that started it stopped; whether an instance exists is unknown',
    );
    if (stale.length > 0) this.logger.warn(`${stale.length} enrolment(s) stuck in pending marked failed: ${stale.join(', ')}`);
    if (this.lastError) this.logger.log('enrolments are being checked against the engine again');
    this.lastError = undefined;
    return ended;
  }

  // An engine that is away fails every check; say so once, not once per round.
  private warnOnce(message: string): void {
    if (this.lastError === message) return;
    this.lastError = message;
    this.logger.warn(message);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
