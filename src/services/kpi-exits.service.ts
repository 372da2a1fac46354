import { Injectable } from '@nestjs/common';
import { InstanceHistoryRepository, KpiEventRepository, type KpiEventScope } from '../repositories';

/**
 * Listeners report what completes, never what is terminated (Zeebe runs no listener then): an
 * element interrupted by a boundary event, or an instance cancelled, just stops reporting. Before
 * KPIs or histories are read, this asks the instance history which of the element instances the
 * KPI rows leave open were in fact left, and records it. The embedded engine's records tell
 * everything; with a real Zeebe only the enrolments tell which instances ended, so elements
 * interrupted while the instance runs on, and instances started or cancelled outside Travesía,
 * stay open.
 */
@Injectable()
export class KpiExitsService {
  constructor(
    private readonly events: KpiEventRepository,
    private readonly history: InstanceHistoryRepository,
  ) {}

  async settle(scope: KpiEventScope): Promise<void> {
    const open = await this.events.unsettled(scope);
    if (open.length === 0) return;
    const exits = await this.history.exits(open);
    if (exits.length > 0) await this.events.recordExits(exits);
  }
}
