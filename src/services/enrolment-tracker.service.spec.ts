import type { AppConfig } from '../config';
import type { EnrolmentRow, EnrolmentStatus } from '../dtos';
import { type EnrolmentRepository, type InstanceEnd, InstanceStateRepository } from '../repositories';
import { EnrolmentTrackerService } from './enrolment-tracker.service';

function row(id: string, status: EnrolmentStatus, processInstanceKey: string | null): EnrolmentRow {
  return {
    id,
    journeyId: 'j',
    processId: 'welcome',
    versionNumber: 1,
    processDefinitionKey: '1',
    customerId: '1',
    customerExternalId: 'c-1',
    status,
    exclusive: true,
    processInstanceKey,
    idempotencyKey: null,
    source: 'api',
    jobId: null,
    enrolledByKeyId: 'k',
    enrolledByName: 'key',
    createdAt: new Date(0),
    createdAtMicros: '0',
    startedAt: null,
    endedAt: null,
    cancelledByKeyId: null,
    cancelledByName: null,
    error: null,
  };
}

/** Enrolments in memory, with the status guards of EnrolmentRepository. */
class FakeEnrolments {
  readonly rows = new Map<string, EnrolmentRow>();
  readonly checked: string[] = [];
  failedStale: { olderThan: Date; inFlight: readonly string[] } | undefined;

  constructor(rows: EnrolmentRow[]) {
    for (const r of rows) this.rows.set(r.id, r);
  }

  async markEnded(ends: readonly InstanceEnd[]): Promise<EnrolmentRow[]> {
    const changed: EnrolmentRow[] = [];
    for (const end of ends) {
      for (const r of this.rows.values()) {
        if (r.processInstanceKey !== end.processInstanceKey || r.status !== 'active') continue;
        const ended = { ...r, status: end.outcome, endedAt: end.endedAt ?? new Date() };
        this.rows.set(r.id, ended);
        changed.push(ended);
      }
    }
    return changed;
  }

  async find(id: string): Promise<EnrolmentRow | null> {
    return this.rows.get(id) ?? null;
  }

  async dueForCheck(limit: number): Promise<EnrolmentRow[]> {
    return [...this.rows.values()].filter((r) => r.status === 'active').slice(0, limit);
  }

  async markChecked(ids: readonly string[]): Promise<void> {
    this.checked.push(...ids);
  }

  async failStalePending(olderThan: Date, inFlight: readonly string[]): Promise<string[]> {
    this.failedStale = { olderThan, inFlight };
    return [];
  }
}

class FakeEngine extends InstanceStateRepository {
  readonly batchSize = 2;
  readonly asked: string[][] = [];
  down = false;

  constructor(private readonly ends: InstanceEnd[]) {
    super();
  }

  async ended(keys: readonly string[]): Promise<InstanceEnd[]> {
    if (this.down) throw new Error('engine away');
    this.asked.push([...keys]);
    return this.ends.filter((end) => keys.includes(end.processInstanceKey));
  }
}

function tracker(enrolments: FakeEnrolments, engine: FakeEngine): EnrolmentTrackerService {
  const config = { runs: () => false } as unknown as AppConfig;
  return new EnrolmentTrackerService(config, enrolments as unknown as EnrolmentRepository, engine);
}

describe('EnrolmentTrackerService', () => {
  const endedAt = new Date('2025-09-01T10:00:00Z');

  it('should bring active enrolments whose instances ended up to date, asking the engine in batches, and leave the others', async () => {
    // given
    const enrolments = new FakeEnrolments([row('a', 'active', '1'), row('b', 'active', '2'), row('c', 'active', '3'), row('d', 'pending', null), row('e', 'completed', '5')]);
    const engine = new FakeEngine([
      { processInstanceKey: '1', outcome: 'completed', endedAt },
      { processInstanceKey: '3', outcome: 'terminated', endedAt },
    ]);

    // when
    const result = await tracker(enrolments, engine).reconcile([...enrolments.rows.values()]);

    // then
    expect(result.map((r) => [r.id, r.status])).toEqual([
      ['a', 'completed'],
      ['b', 'active'],
      ['c', 'terminated'],
      ['d', 'pending'],
      ['e', 'completed'],
    ]);
    expect(engine.asked).toEqual([['1', '2'], ['3']]);
  });

  it('should read back an enrolment another writer ended meanwhile', async () => {
    // given: the caller holds a stale copy
    const stale = row('a', 'active', '1');
    const enrolments = new FakeEnrolments([{ ...stale, status: 'terminated', endedAt }]);
    const engine = new FakeEngine([{ processInstanceKey: '1', outcome: 'terminated', endedAt }]);

    // when
    const [result] = await tracker(enrolments, engine).reconcile([stale]);

    // then
    expect(result).toMatchObject({ status: 'terminated', endedAt });
  });

  it('should answer with the last known status when the engine cannot be asked', async () => {
    // given
    const enrolments = new FakeEnrolments([row('a', 'active', '1')]);
    const engine = new FakeEngine([]);
    engine.down = true;

    // when
    const result = await tracker(enrolments, engine).reconcile([...enrolments.rows.values()]);

    // then
    expect(result.map((r) => r.status)).toEqual(['active']);
  });

  it('should check a batch in the background, noting which still run, and fail stale pending enrolments nobody waits for', async () => {
    // given
    const enrolments = new FakeEnrolments([row('a', 'active', '1'), row('b', 'active', '2')]);
    const engine = new FakeEngine([{ processInstanceKey: '2', outcome: 'completed', endedAt }]);
    const service = tracker(enrolments, engine);
    let release: () => void = () => undefined;
    service.track('p', new Promise<void>((resolve) => (release = resolve)));

    // when
    const ended = await service.sweepOnce();

    // then
    expect(ended).toBe(1);
    expect(enrolments.checked).toEqual(['a']);
    expect(enrolments.failedStale?.inFlight).toEqual(['p']);
    expect(Date.now() - (enrolments.failedStale?.olderThan.getTime() ?? 0)).toBeGreaterThanOrEqual(10 * 60_000);
    release();
  });
});
