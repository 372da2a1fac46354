import { oneTaskProcess } from '../helpers/bpmn';
import { startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import { activate, activateNow, deploy, setVariables, unique } from '../helpers/jobs';
import { instanceRecords, records, waitForInstanceEnd, waitForRecord } from '../helpers/records';

/**
 * Job batches and the 4 MiB gRPC message limit (Zeebe's default, the gateway's and the
 * client's): an ActivateJobs answer is cut short before it outgrows one message, and a job
 * too large for any message gets an incident instead of blocking the jobs behind it.
 */
describe('job batches and the message size (Zeebe gRPC)', () => {
  let h: EngineHarness;
  const MiB = 1024 * 1024;
  const text = (bytes: number) => 'x'.repeat(bytes);

  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function instancesOf(type: string, variables: object[]): Promise<string[]> {
    const id = unique('size');
    await deploy(h, oneTaskProcess(id, type), `${id}.bpmn`);
    const keys: string[] = [];
    for (const v of variables) keys.push((await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: v as never })).processInstanceKey);
    return keys;
  }

  it('should cut a job batch short before it outgrows one message and hand the rest to the next request', async () => {
    // given three jobs of 1.5 MiB each: two fit in 4 MiB, three do not
    const type = unique('big');
    await instancesOf(type, [{ blob: text(1.5 * MiB) }, { blob: text(1.5 * MiB) }, { blob: text(1.5 * MiB) }]);

    // when
    const first = await activate(h, type, { maxJobsToActivate: 10 });
    const second = await activate(h, type, { maxJobsToActivate: 10 });

    // then every job arrives whole, each exactly once
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(1);
    expect([...first, ...second].every((job) => job.variables.blob.length === 1.5 * MiB)).toBe(true);
    expect(new Set([...first, ...second].map((job) => job.key)).size).toBe(3);
    const batches = await records(h.db, { valueType: 'JOB_BATCH', intent: 'ACTIVATED' });
    const ours = batches.filter((b) => b.value.type === type).map((b) => b.value.truncated);
    expect(ours).toEqual([true, false]);
  });

  it('should raise MESSAGE_SIZE_EXCEEDED for a job larger than a message, deliver the jobs behind it, and continue once the variables shrink', async () => {
    // given an instance whose variables grew past 4 MiB over two commands, and a small one behind it
    const type = unique('huge');
    const [hugeKey, smallKey] = await instancesOf(type, [{ a: text(2.5 * MiB) }, { small: true }]);
    await setVariables(h, hugeKey, { b: text(2.5 * MiB) }, false);

    // when
    const jobs = await activate(h, type);

    // then the small job is delivered and the huge one is parked with an incident
    expect(jobs.map((job) => job.processInstanceKey)).toEqual([smallKey]);
    const incident = await waitForRecord(h.db, { processInstanceKey: hugeKey, valueType: 'INCIDENT', intent: 'CREATED' });
    expect(incident.value).toMatchObject({ errorType: 'MESSAGE_SIZE_EXCEEDED', elementId: 'task' });
    expect(incident.value.errorMessage).toMatch(/can not be activated: .* more than the maximum message size of 4194304 bytes/);
    expect(await activateNow(h, type)).toEqual([]);

    // and when the variables are made smaller and the incident resolved
    await setVariables(h, hugeKey, { a: 'small', b: 'small' }, false);
    await h.zeebe.resolveIncident({ incidentKey: incident.key });
    const [retried] = await activate(h, type);
    await h.zeebe.completeJob({ jobKey: retried.key, variables: {} });

    // then the instance completes
    expect(retried.processInstanceKey).toBe(hugeKey);
    expect(retried.variables).toEqual({ a: 'small', b: 'small' });
    await waitForInstanceEnd(h.db, hugeKey);
    const intents = (await instanceRecords(h.db, hugeKey, { valueType: 'INCIDENT' })).map((r) => r.intent);
    expect(intents).toEqual(['CREATED', 'RESOLVED']);
  });

  it('should send a job that only fits when the worker fetches fewer variables', async () => {
    // given a job whose variables only exceed the limit all together
    const type = unique('fetch');
    const [key] = await instancesOf(type, [{ a: text(2.5 * MiB) }]);
    await setVariables(h, key, { b: text(2.5 * MiB), wanted: 42 }, false);

    // when the worker asks for one variable
    const [job] = await activate(h, type, { fetchVariable: ['wanted'] });

    // then
    expect(job.variables).toEqual({ wanted: 42 });
    expect(await instanceRecords(h.db, key, { valueType: 'INCIDENT' })).toEqual([]);
  });

  it('should raise the incident for a job too large to push to a stream, and keep the stream working', async () => {
    // given a job grown past 4 MiB before any worker asks for it
    const type = unique('stream');
    const id = unique('size');
    await deploy(h, oneTaskProcess(id, type), `${id}.bpmn`);
    const huge = (await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: { a: text(2.5 * MiB) } })).processInstanceKey;
    await setVariables(h, huge, { b: text(2.5 * MiB) }, false);

    // when a stream opens and a small instance follows
    const received: string[] = [];
    const stream = await h.zeebe.streamJobs({
      type,
      worker: 'streamer',
      timeout: 30_000,
      tenantIds: ['<default>'],
      taskHandler: async (job) => {
        received.push(job.processInstanceKey);
        return job.complete();
      },
    });
    try {
      const small = (await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} })).processInstanceKey;

      // then the small one runs to its end through the stream and the huge one has an incident
      await waitForInstanceEnd(h.db, small, 10_000);
      const incident = await waitForRecord(h.db, { processInstanceKey: huge, valueType: 'INCIDENT', intent: 'CREATED' });
      expect(incident.value.errorType).toBe('MESSAGE_SIZE_EXCEEDED');
      expect(received).toEqual([small]);
    } finally {
      stream.close();
    }
  });
});
