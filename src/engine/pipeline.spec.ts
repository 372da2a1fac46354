import { Rejection } from './errors';
import { CommandPipeline, type Pending, type PreparedBatch } from './pipeline';
import type { BatchWrite, EngineStore, LoadedState } from './store';

/** A store whose writes finish when the test says so. */
class ManualStore implements EngineStore {
  readonly writes: { batch: BatchWrite; finish(): void; fail(error: Error): void }[] = [];

  async load(): Promise<LoadedState> {
    return { lastKey: 0, lastPosition: 0, definitions: [], tables: new Map(), variables: [] };
  }

  write(batch: BatchWrite): Promise<void> {
    return new Promise((resolve, reject) => this.writes.push({ batch, finish: resolve, fail: reject }));
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** The batch write of a batch: its commands stand in the records, so the test can tell batches apart. */
function writeOf(commands: string[]): BatchWrite {
  return {
    definitions: [],
    tables: [],
    variables: { upserts: [], deletes: [] },
    records: commands.map((command) => ({ command }) as never),
    lastKey: 0,
    lastPosition: 0,
  };
}

describe('CommandPipeline', () => {
  let store: ManualStore;
  let recovered: number;
  let pipeline: CommandPipeline<string>;
  const settled = new Map<string, string>();

  function start(options: { maxQueueSize?: number } = {}): void {
    store = new ManualStore();
    recovered = 0;
    settled.clear();
    pipeline = new CommandPipeline<string>({
      store,
      maxBatchSize: 100,
      maxQueueSize: options.maxQueueSize ?? 1_000,
      maxInflightWrites: 2,
      prepare: (batch: Pending<string>[]): PreparedBatch<string> => ({
        pendings: batch,
        replies: batch.map((pending) => [pending, `done ${pending.command}`]),
        write: writeOf(batch.map((pending) => pending.command)),
        effects: [],
        abandon: () => undefined,
        processMs: 0,
      }),
      recover: async () => void recovered++,
      committed: () => undefined,
      onError: () => undefined,
    });
  }

  function submit(command: string): Promise<unknown> {
    const answer = pipeline.submit(command);
    answer.then(
      (value) => settled.set(command, String(value)),
      (error: Rejection) => settled.set(command, `${error.code}`),
    );
    return answer;
  }

  const commandsOf = (write: { batch: BatchWrite }) => write.batch.records.map((record) => (record as unknown as { command: string }).command);

  it('should write the commands that queue up meanwhile as one batch, and answer each only after its own batch committed', async () => {
    // given a first command whose batch is being written
    start();
    void submit('c1');
    await tick();
    expect(store.writes.map(commandsOf)).toEqual([['c1']]);

    // when nine more arrive meanwhile
    for (let i = 2; i <= 10; i++) void submit(`c${i}`);
    await tick();
    await tick();

    // then they are one batch, whose write waits for the first one's
    expect(store.writes.length).toBe(1);
    expect(settled.size).toBe(0);
    store.writes[0].finish();
    await tick();
    expect([...settled.keys()]).toEqual(['c1']);
    expect(store.writes.map(commandsOf)).toEqual([['c1'], ['c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10']]);

    // and when that one commits, they are all answered
    store.writes[1].finish();
    await tick();
    expect(settled.size).toBe(10);
    expect(settled.get('c10')).toBe('done c10');
  });

  it('should refuse the commands of a failed write, and of the batch built on it, then reload the state', async () => {
    // given two batches in flight
    start();
    void submit('a');
    await tick();
    void submit('b');
    await tick();
    await tick();

    // when the first write fails
    store.writes[0].fail(new Error('disk full'));
    await tick();
    await tick();
    await tick();

    // then both are refused as retryable, nothing was written after it, and the state was reloaded
    expect(settled.get('a')).toBe('UNAVAILABLE');
    expect(settled.get('b')).toBe('UNAVAILABLE');
    expect(store.writes).toHaveLength(1);
    expect(recovered).toBe(1);

    // and the pipeline takes commands again
    void submit('c');
    await tick();
    store.writes[1].finish();
    await tick();
    expect(settled.get('c')).toBe('done c');
  });

  it('should refuse commands beyond the queue bound with RESOURCE_EXHAUSTED, which clients retry', async () => {
    // given a queue of two behind a write that does not finish
    start({ maxQueueSize: 2 });
    void submit('first');
    await tick();
    void submit('second');
    void submit('third');

    // when one more arrives
    const refused = submit('fourth');

    // then
    await expect(refused).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
  });
});
