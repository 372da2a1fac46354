import { oneTaskProcess } from '../helpers/bpmn';
import { startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import { activateOne, deploy, unique } from '../helpers/jobs';
import { records, waitForInstanceEnd, waitForRecord } from '../helpers/records';

type StreamHandler = Parameters<EngineHarness['zeebe']['streamJobs']>[0]['taskHandler'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * StreamActivatedJobs through the official client's `streamJobs`: jobs are pushed when they
 * become activatable, each to exactly one stream, and a job whose stream vanished before the
 * push goes back to the pollers (JOB YIELDED).
 */
describe('job streaming (Zeebe gRPC)', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
    // The client logs every stream it cancels itself on close; that is expected here.
    const log = console.error.bind(console);
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      if (!String(args[0]).includes('Cancelled on client')) log(...args);
    });
  });
  afterAll(async () => {
    await h?.close();
    jest.restoreAllMocks();
  });

  /** Opens one stream per name, each recording what it receives and completing the job. */
  async function openStreams(type: string, names: string[]) {
    const received: { stream: string; key: string; at: number }[] = [];
    const handler =
      (stream: string): StreamHandler =>
      async (job) => {
        received.push({ stream, key: job.key, at: Date.now() });
        return job.complete({ [`by_${stream}`]: true });
      };
    const streams = await Promise.all(
      names.map((name) => h.zeebe.streamJobs({ type, worker: `stream-${name}`, timeout: 30_000, tenantIds: ['<default>'], taskHandler: handler(name) })),
    );
    // The stream call is opened before the client's catch-up poll; give the server a moment to register it.
    await sleep(100);
    return { received, close: () => streams.forEach((s) => s.close()) };
  }

  /** Creates `count` instances one after another; returns their keys and when each was created. */
  async function createInstances(id: string, count: number) {
    const createdAt = new Map<string, number>();
    for (let i = 0; i < count; i++) {
      const { processInstanceKey } = await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: { i } });
      createdAt.set(processInstanceKey, Date.now());
    }
    for (const key of createdAt.keys()) await waitForInstanceEnd(h.db, key);
    return createdAt;
  }

  /** Deploys start → task(type) → end and returns its process id. */
  async function processFor(type: string): Promise<string> {
    const id = unique('stream');
    await deploy(h, oneTaskProcess(id, type), `${id}.bpmn`);
    return id;
  }

  it('should push each new job at once and only once over two streams of its type', async () => {
    // given two open streams; their catch-up poll runs only every 30 s
    const type = unique('pushed');
    const id = await processFor(type);
    const streams = await openStreams(type, ['a', 'b']);
    try {
      // when ten instances are created
      const createdAt = await createInstances(id, 10);
      await sleep(200);
      // then every job arrived once, pushed within moments of its creation
      const { received } = streams;
      expect(received).toHaveLength(10);
      expect(new Set(received.map((r) => r.key)).size).toBe(10);
      const jobs = (await records(h.db, { valueType: 'JOB', intent: 'CREATED' })).filter((r) => createdAt.has(r.processInstanceKey));
      expect(jobs).toHaveLength(10);
      for (const job of jobs) {
        const delivery = received.find((r) => r.key === job.key);
        expect(delivery).toBeDefined();
        expect(delivery!.at - createdAt.get(job.processInstanceKey)!).toBeLessThan(1000);
      }
    } finally {
      streams.close();
    }
  });

  it('should spread pushed jobs over the open streams of a type', async () => {
    // given two open streams
    const type = unique('spread');
    const id = await processFor(type);
    const streams = await openStreams(type, ['a', 'b']);
    try {
      // when ten jobs are created one after another
      await createInstances(id, 10);
      // then both streams got work (Zeebe picks a random stream per job; one idle stream in ten jobs is a 1-in-500 event)
      expect(new Set(streams.received.map((r) => r.stream))).toEqual(new Set(['a', 'b']));
    } finally {
      streams.close();
    }
  });

  it('should push a job again after it failed with retries left', async () => {
    // given a stream whose handler fails the first attempt
    const type = unique('retried');
    const id = await processFor(type);
    const attempts: number[] = [];
    const stream = await h.zeebe.streamJobs({
      type,
      worker: 'flaky',
      timeout: 30_000,
      tenantIds: ['<default>'],
      taskHandler: async (job) => {
        attempts.push(job.retries);
        return attempts.length === 1 ? job.fail({ errorMessage: 'try again', retries: job.retries - 1 }) : job.complete();
      },
    });
    await sleep(100);
    try {
      // when
      const { processInstanceKey } = await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} });
      // then
      await waitForInstanceEnd(h.db, processInstanceKey);
      expect(attempts).toEqual([3, 2]);
    } finally {
      stream.close();
    }
  });

  it('should yield a job whose stream closed before the push and let a poller take it', async () => {
    // given an open stream
    const type = unique('yielded');
    const id = await processFor(type);
    const handled: string[] = [];
    const stream = await h.zeebe.streamJobs({
      type,
      worker: 'vanishing',
      timeout: 30_000,
      tenantIds: ['<default>'],
      taskHandler: async (job) => {
        handled.push(job.key);
        return job.forward();
      },
    });
    await sleep(100);
    // and the engine's next commit held back, so the job is activated for the stream but not yet pushed
    const lock = await h.db.connect();
    let creating: Promise<{ processInstanceKey: string }> | undefined;
    try {
      await lock.query('begin');
      await lock.query('select 1 from engine.meta where id = 1 for update');
      creating = h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} });
      await sleep(300);
      // when the stream goes away before the commit
      stream.close();
      await sleep(300);
    } finally {
      await lock.query('commit');
      lock.release();
    }
    const { processInstanceKey } = await creating!;
    // then the job is yielded back …
    const yielded = await waitForRecord(h.db, { processInstanceKey, valueType: 'JOB', intent: 'YIELDED' });
    const batches = await records(h.db, { valueType: 'JOB_BATCH', intent: 'ACTIVATED' });
    expect(batches.some((b) => b.value.worker === 'vanishing' && (b.value.jobKeys as number[]).map(String).includes(yielded.key))).toBe(true);
    // … and a poller gets it
    const job = await activateOne(h, type, { worker: 'poller', requestTimeout: 2000 });
    expect(job.key).toBe(yielded.key);
    expect(job.worker).toBe('poller');
    expect(handled).toEqual([]);
    await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
    await waitForInstanceEnd(h.db, processInstanceKey);
  });
});
