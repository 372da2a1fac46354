import type { JSONDoc } from '@camunda8/sdk/dist/zeebe/lib/interfaces-1.0';
import { oneTaskProcess, processBuilder } from '../helpers/bpmn';
import { ManualClock, startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import { activate, activateNow, activateOne, deploy, grpcError, unique, type Job } from '../helpers/jobs';
import { describeRecords, instanceRecords, records, waitForInstanceEnd, waitForRecord } from '../helpers/records';

/**
 * Jobs through the official Zeebe client against the embedded engine: activation, long
 * polling, locks, failures, incidents and workers. The engine runs on a manual clock so that
 * job deadlines and retry backoffs fall due exactly when a test says so; long polling waits in
 * real time.
 */
describe('jobs (Zeebe gRPC)', () => {
  const clock = new ManualClock(Date.UTC(2030, 0, 1, 9, 0, 0));
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness({ clock });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Deploys start → task(type) → end under a fresh id and starts `count` instances. */
  async function instancesOf(type: string, count = 1, variables: JSONDoc = {}, options = {}): Promise<string[]> {
    const id = unique('jobs');
    await deploy(h, oneTaskProcess(id, type, options), `${id}.bpmn`);
    const keys: string[] = [];
    for (let i = 0; i < count; i++) {
      keys.push((await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables })).processInstanceKey);
    }
    return keys;
  }

  describe('activation', () => {
    it('should activate at most maxJobsToActivate jobs and each job only once', async () => {
      // given
      const type = unique('max');
      await instancesOf(type, 5);
      // when
      const first = await activate(h, type, { maxJobsToActivate: 3 });
      const second = await activate(h, type, { maxJobsToActivate: 3 });
      const third = await activateNow(h, type, { maxJobsToActivate: 3 });
      // then
      expect(first).toHaveLength(3);
      expect(second).toHaveLength(2);
      expect(third).toHaveLength(0);
      expect(new Set([...first, ...second].map((j) => j.key)).size).toBe(5);
    });

    it('should never hand the same job to two concurrent pollers', async () => {
      // given four long polls waiting for a type that has no job yet
      const type = unique('concurrent');
      const id = unique('concurrent');
      await deploy(h, oneTaskProcess(id, type), `${id}.bpmn`);
      const polls = [1, 2, 3, 4].map((n) => activate(h, type, { worker: `poller-${n}`, maxJobsToActivate: 3, requestTimeout: 3000 }));
      await new Promise((r) => setTimeout(r, 150));
      // when twelve jobs appear at once
      await Promise.all(Array.from({ length: 12 }, () => h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} })));
      const polled = (await Promise.all(polls)).flat();
      const rest = await activateNow(h, type, { maxJobsToActivate: 100 });
      // then every job went to exactly one poller
      const keys = [...polled, ...rest].map((j) => j.key);
      expect(polled.length).toBeGreaterThan(0);
      expect(keys).toHaveLength(12);
      expect(new Set(keys).size).toBe(12);
    });

    it('should long-poll and return a job created while the poll waits', async () => {
      // given
      const type = unique('long-poll');
      const id = unique('long-poll');
      await deploy(h, oneTaskProcess(id, type), `${id}.bpmn`);
      const started = Date.now();
      const poll = activate(h, type, { requestTimeout: 5000 });
      await new Promise((r) => setTimeout(r, 200));
      // when
      const instance = await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} });
      const jobs = await poll;
      // then
      expect(jobs).toHaveLength(1);
      expect(jobs[0].processInstanceKey).toBe(instance.processInstanceKey);
      expect(Date.now() - started).toBeLessThan(2500);
    });

    it('should answer at once with no jobs when requestTimeout is -1', async () => {
      // given
      const type = unique('no-wait');
      const started = Date.now();
      // when
      const jobs = await activate(h, type, { requestTimeout: -1 });
      // then
      expect(jobs).toEqual([]);
      expect(Date.now() - started).toBeLessThan(500);
    });

    it('should end an empty long poll after its requestTimeout with no jobs', async () => {
      // given
      const type = unique('empty-poll');
      const started = Date.now();
      // when
      const jobs = await activate(h, type, { requestTimeout: 600 });
      // then
      const elapsed = Date.now() - started;
      expect(jobs).toEqual([]);
      expect(elapsed).toBeGreaterThanOrEqual(550);
      expect(elapsed).toBeLessThan(2500);
    });

    it('should send only the variables named in fetchVariable', async () => {
      // given
      const type = unique('fetch');
      await instancesOf(type, 1, { a: 1, b: 'two', c: { nested: true } });
      // when
      const job = await activateOne(h, type, { fetchVariable: ['a', 'c', 'missing'] });
      // then
      expect(job.variables).toEqual({ a: 1, c: { nested: true } });
    });

    it('should send the custom headers as an object', async () => {
      // given
      const type = unique('headers');
      await instancesOf(type, 1, {}, { headers: { channel: 'email', template: 'welcome-v2', attempt: '1' } });
      // when
      const job = await activateOne(h, type);
      // then
      expect(job.customHeaders).toEqual({ channel: 'email', template: 'welcome-v2', attempt: '1' });
      expect(job.retries).toBe(3);
      expect(job.elementId).toBe('task');
    });

    it('should evaluate a FEEL job type and FEEL retries when the task activates', async () => {
      // given
      const kind = unique('kind');
      const id = unique('feel-type');
      await deploy(h, oneTaskProcess(id, '="notify-" + kind', { retries: '=attempts + 1' }), `${id}.bpmn`);
      // when
      await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: { kind, attempts: 4 } });
      const job = await activateOne(h, `notify-${kind}`);
      // then
      expect(job.type).toBe(`notify-${kind}`);
      expect(job.retries).toBe(5);
    });
  });

  describe('activation timeout', () => {
    it('should make a job activatable again after its deadline, with unchanged retries, and reject the late completion', async () => {
      // given a job locked for 10 s by a first worker
      const type = unique('deadline');
      const [processInstanceKey] = await instancesOf(type);
      const first = await activateOne(h, type, { worker: 'first', timeout: 10_000 });
      expect(Number(first.deadline)).toBe(clock.now() + 10_000);
      // when the lock expires
      clock.advance(10_001);
      await waitForRecord(h.db, { processInstanceKey, valueType: 'JOB', intent: 'TIMED_OUT' });
      // then the first worker's late answer is refused
      const late = await grpcError(() => h.zeebe.completeJob({ jobKey: first.key, variables: { late: true } }));
      expect(late.code).toBe(9);
      expect(late.details).toBe(
        `Command 'COMPLETE' rejected with code 'INVALID_STATE': Expected to complete job with key '${first.key}', but it is in state 'ACTIVATABLE'`,
      );
      // and another worker gets the same job with its retries untouched
      const second = await activateOne(h, type, { worker: 'second', timeout: 10_000 });
      expect(second.key).toBe(first.key);
      expect(second.retries).toBe(first.retries);
      expect(second.worker).toBe('second');
      await h.zeebe.completeJob({ jobKey: second.key, variables: {} });
      await waitForInstanceEnd(h.db, processInstanceKey);
    });

    it('should extend the deadline with UpdateJobTimeout', async () => {
      // given a job locked for 10 s
      const type = unique('extend');
      const [processInstanceKey] = await instancesOf(type);
      const job = await activateOne(h, type, { timeout: 10_000 });
      // when the lock is extended to 60 s from now and 30 s pass
      await h.zeebe.updateJobTimeout({ jobKey: job.key, timeout: 60_000 });
      const extendedAt = clock.now();
      clock.advance(30_000);
      // then the job is still held by its worker, who can complete it
      expect(await activateNow(h, type)).toEqual([]);
      const updated = await waitForRecord(h.db, { processInstanceKey, valueType: 'JOB', intent: 'TIMEOUT_UPDATED' });
      expect(Number(updated.value.deadline)).toBe(extendedAt + 60_000);
      await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      expect(await records(h.db, { processInstanceKey, valueType: 'JOB', intent: 'TIMED_OUT' })).toEqual([]);
    });

    it('should reject UpdateJobTimeout on a job that is not activated', async () => {
      // given a job nobody activated
      const type = unique('not-active');
      const [processInstanceKey] = await instancesOf(type);
      const created = await waitForRecord(h.db, { processInstanceKey, valueType: 'JOB', intent: 'CREATED' });
      // when
      const error = await grpcError(() => h.zeebe.updateJobTimeout({ jobKey: created.key, timeout: 60_000 }));
      // then
      expect(error.code).toBe(9);
      expect(error.details).toBe(
        `Command 'UPDATE_TIMEOUT' rejected with code 'INVALID_STATE': Expected to update the timeout of job with key '${created.key}', but it is not active`,
      );
    });
  });

  describe('completion', () => {
    it('should reject completing a job a second time with NOT_FOUND', async () => {
      // given
      const type = unique('twice');
      await instancesOf(type);
      const job = await activateOne(h, type);
      await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      // when
      const error = await grpcError(() => h.zeebe.completeJob({ jobKey: job.key, variables: {} }));
      // then
      expect(error.code).toBe(5);
      expect(error.details).toContain(
        `Command 'COMPLETE' rejected with code 'NOT_FOUND': Expected to complete job with key '${job.key}', but no such job was found`,
      );
    });

    it('should propagate the completion variables to the process scope', async () => {
      // given start → first → second → end
      const id = unique('propagate');
      const xml = processBuilder(id)
        .start()
        .serviceTask('first', { type: `${id}-first` })
        .serviceTask('second', { type: `${id}-second` })
        .end()
        .chain('start', 'first', 'second', 'end')
        .xml();
      await deploy(h, xml, `${id}.bpmn`);
      const { processInstanceKey } = await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: { input: 1 } });
      const first = await activateOne(h, `${id}-first`);
      // when
      await h.zeebe.completeJob({ jobKey: first.key, variables: { score: 42, profile: { tier: 'gold' } } });
      // then the next task sees them and they live on the process instance
      const second = await activateOne(h, `${id}-second`);
      expect(second.variables).toEqual({ input: 1, score: 42, profile: { tier: 'gold' } });
      const created = await records(h.db, { processInstanceKey, valueType: 'VARIABLE', intent: 'CREATED' });
      const score = created.find((r) => r.value.name === 'score');
      expect(score?.value.scopeKey).toBe(Number(processInstanceKey));
      expect(score?.value.value).toBe('42');
    });

    it('should complete 50 instances with a job worker', async () => {
      // given
      const type = unique('worker');
      const keys = await instancesOf(type, 50, { n: 0 });
      const handled = new Set<string>();
      let resolveAll!: () => void;
      const allHandled = new Promise<void>((resolve) => (resolveAll = resolve));
      // when
      const worker = h.zeebe.createWorker({
        taskType: type,
        maxJobsToActivate: 20,
        taskHandler: async (job) => {
          const ack = await job.complete({ handledBy: 'worker' });
          handled.add(job.key);
          if (handled.size === 50) resolveAll();
          return ack;
        },
      });
      try {
        await allHandled;
      } finally {
        await worker.close();
      }
      // then
      for (const key of keys) await waitForInstanceEnd(h.db, key);
      const completed = await records(h.db, { valueType: 'PROCESS_INSTANCE', intent: 'ELEMENT_COMPLETED', bpmnElementType: 'PROCESS' });
      expect(completed.filter((r) => keys.includes(r.processInstanceKey))).toHaveLength(50);
    }, 20_000);
  });

  describe('failure and incidents', () => {
    it('should make a failed job with retries left activatable again', async () => {
      // given
      const type = unique('fail');
      await instancesOf(type);
      const job = await activateOne(h, type);
      // when
      await h.zeebe.failJob({ jobKey: job.key, retries: 2, errorMessage: 'smtp timeout', retryBackOff: 0 });
      // then
      const again = await activateOne(h, type, { requestTimeout: -1 });
      expect(again.key).toBe(job.key);
      expect(again.retries).toBe(2);
    });

    it('should hold a failed job back until its retry backoff is over', async () => {
      // given
      const type = unique('backoff');
      const [processInstanceKey] = await instancesOf(type);
      const job = await activateOne(h, type);
      // when
      await h.zeebe.failJob({ jobKey: job.key, retries: 1, errorMessage: 'rate limited', retryBackOff: 5000 });
      // then not before the backoff …
      expect(await activateNow(h, type)).toEqual([]);
      clock.advance(4999);
      expect(await activateNow(h, type)).toEqual([]);
      // … but right after it
      clock.advance(1);
      await waitForRecord(h.db, { processInstanceKey, valueType: 'JOB', intent: 'RECURRED_AFTER_BACKOFF' });
      const again = await activateOne(h, type, { requestTimeout: -1 });
      expect(again.key).toBe(job.key);
      expect(again.retries).toBe(1);
    });

    it('should raise a JOB_NO_RETRIES incident and continue after UpdateJobRetries and ResolveIncident', async () => {
      // given a job failed without retries left
      const type = unique('incident');
      const [processInstanceKey] = await instancesOf(type);
      const job = await activateOne(h, type);
      await h.zeebe.failJob({ jobKey: job.key, retries: 0, errorMessage: 'mailbox full', retryBackOff: 0 });
      const incident = await waitForRecord(h.db, { processInstanceKey, valueType: 'INCIDENT', intent: 'CREATED' });
      expect(incident.value).toMatchObject({
        errorType: 'JOB_NO_RETRIES',
        errorMessage: 'mailbox full',
        jobKey: Number(job.key),
        elementId: 'task',
        processInstanceKey: Number(processInstanceKey),
      });
      expect(await activateNow(h, type)).toEqual([]);
      // when resolving while the job still has no retries
      const early = await grpcError(() => h.zeebe.resolveIncident({ incidentKey: incident.key }));
      // then it is refused
      expect(early.code).toBe(9);
      expect(early.details).toBe(
        `Command 'RESOLVE' rejected with code 'INVALID_STATE': Expected to resolve incident with key '${incident.key}', but job with key '${job.key}' has no retries left. Please update the job retries and retry resolving the incident`,
      );
      // when the retries are restored first
      await h.zeebe.updateJobRetries({ jobKey: job.key, retries: 2 });
      await h.zeebe.resolveIncident({ incidentKey: incident.key });
      // then the job is activatable again and the instance completes
      const again = await activateOne(h, type, { requestTimeout: 2000 });
      expect(again.key).toBe(job.key);
      expect(again.retries).toBe(2);
      await h.zeebe.completeJob({ jobKey: again.key, variables: {} });
      await waitForInstanceEnd(h.db, processInstanceKey);
      expect(await records(h.db, { processInstanceKey, valueType: 'INCIDENT', intent: 'RESOLVED' })).toHaveLength(1);
    });
  });

  describe('commands on a job in the wrong state', () => {
    it('should reject FailJob on a job nobody activated with FAILED_PRECONDITION and leave the job as it was', async () => {
      // given
      const type = unique('fail-unactivated');
      const [processInstanceKey] = await instancesOf(type);
      const created = await waitForRecord(h.db, { processInstanceKey, valueType: 'JOB', intent: 'CREATED' });
      // when
      const error = await grpcError(() => h.zeebe.failJob({ jobKey: created.key, retries: 0, errorMessage: 'too early', retryBackOff: 0 }));
      // then
      expect(error.code).toBe(9);
      expect(error.details).toBe(
        `Command 'FAIL' rejected with code 'INVALID_STATE': Expected to fail job with key '${created.key}', but it is in state 'ACTIVATABLE'`,
      );
      expect(await records(h.db, { processInstanceKey, valueType: 'INCIDENT' })).toEqual([]);
      const job = await activateOne(h, type, { requestTimeout: -1 });
      expect(job.key).toBe(created.key);
      expect(job.retries).toBe(3);
    });

    it.each<[string, string, (job: Job) => Promise<unknown>]>([
      ['JOB_NO_RETRIES', 'FAILED', (job) => h.zeebe.failJob({ jobKey: job.key, retries: 0, errorMessage: 'mailbox full', retryBackOff: 0 })],
      ['UNHANDLED_ERROR_EVENT', 'ERROR_THROWN', (job) => h.zeebe.throwError({ jobKey: job.key, errorCode: 'NOBODY_CATCHES', errorMessage: 'x' })],
    ])('should reject CompleteJob on a job whose %s incident is open with FAILED_PRECONDITION', async (errorType, state, raiseIncident) => {
      // given
      const type = unique('complete-incident');
      const [processInstanceKey] = await instancesOf(type);
      const job = await activateOne(h, type);
      await raiseIncident(job);
      const incident = await waitForRecord(h.db, { processInstanceKey, valueType: 'INCIDENT', intent: 'CREATED' });
      expect(incident.value.errorType).toBe(errorType);
      // when
      const error = await grpcError(() => h.zeebe.completeJob({ jobKey: job.key, variables: { late: true } }));
      // then
      expect(error.code).toBe(9);
      expect(error.details).toBe(
        `Command 'COMPLETE' rejected with code 'INVALID_STATE': Expected to complete job with key '${job.key}', but it is in state '${state}'`,
      );
      expect(await records(h.db, { processInstanceKey, valueType: 'JOB', intent: 'COMPLETED' })).toEqual([]);
      expect(await records(h.db, { processInstanceKey, valueType: 'VARIABLE' })).toEqual([]);
      expect(await records(h.db, { processInstanceKey, valueType: 'INCIDENT', intent: 'RESOLVED' })).toEqual([]);
    });

    it('should reject ResolveIncident on an incident that is already resolved with NOT_FOUND', async () => {
      // given an incident resolved once
      const type = unique('resolve-twice');
      const [processInstanceKey] = await instancesOf(type);
      const job = await activateOne(h, type);
      await h.zeebe.failJob({ jobKey: job.key, retries: 0, errorMessage: 'boom', retryBackOff: 0 });
      const incident = await waitForRecord(h.db, { processInstanceKey, valueType: 'INCIDENT', intent: 'CREATED' });
      await h.zeebe.updateJobRetries({ jobKey: job.key, retries: 1 });
      await h.zeebe.resolveIncident({ incidentKey: incident.key });
      // when
      const error = await grpcError(() => h.zeebe.resolveIncident({ incidentKey: incident.key }));
      // then
      expect(error.code).toBe(5);
      expect(error.details).toBe(
        `Command 'RESOLVE' rejected with code 'NOT_FOUND': Expected to resolve incident with key '${incident.key}', but no such incident was found`,
      );
      expect(await records(h.db, { processInstanceKey, valueType: 'INCIDENT', intent: 'RESOLVED' })).toHaveLength(1);
      const again = await activateOne(h, type, { requestTimeout: -1 });
      await h.zeebe.completeJob({ jobKey: again.key, variables: {} });
      await waitForInstanceEnd(h.db, processInstanceKey);
    });
  });

  describe('expression failures', () => {
    /** Starts start → task(type, retries) → end; returns the instance and the incident raised on the task. */
    async function incidentOnTask(type: string, retries: string | undefined, variables: JSONDoc) {
      const id = unique('feel-incident');
      await deploy(h, oneTaskProcess(id, type, retries ? { retries } : {}), `${id}.bpmn`);
      const { processInstanceKey } = await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables });
      const incident = await waitForRecord(h.db, { processInstanceKey, valueType: 'INCIDENT', intent: 'CREATED' });
      return { processInstanceKey, incident };
    }

    it.each<[string, string, JSONDoc, string]>([
      ['evaluates to a number', '=channel', { channel: 42 }, "Expected result of the expression 'channel' to be 'STRING', but was 'NUMBER'."],
      [
        'evaluates to null',
        '="notify-" + channel',
        {},
        'Expected result of the expression \'"notify-" + channel\' to be \'STRING\', but was \'NULL\'. The evaluation reported the following warnings:\n[NO_VARIABLE_FOUND]',
      ],
      [
        'fails to evaluate',
        '=assert(channel, channel != null, "channel is required")',
        {},
        'failed to evaluate expression \'assert(channel, channel != null, "channel is required")\': channel is required',
      ],
    ])('should raise an EXTRACT_VALUE_ERROR incident when the FEEL job type %s and create the job once fixed and resolved', async (_, type, variables, message) => {
      // given
      const channel = unique('channel');
      const { processInstanceKey, incident } = await incidentOnTask(type, undefined, variables);
      // then the task waits, without a job, for the incident
      expect(incident.value).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'task', jobKey: -1 });
      expect(incident.value.errorMessage.startsWith(message)).toBe(true);
      const rows = await instanceRecords(h.db, processInstanceKey);
      expect(rows.filter((r) => r.valueType === 'JOB')).toEqual([]);
      expect(rows.filter((r) => r.elementId === 'task').map((r) => r.intent)).toEqual(['ELEMENT_ACTIVATING', 'CREATED']);
      expect(incident.value.elementInstanceKey).toBe(Number(rows.find((r) => r.elementId === 'task')!.key));
      // when the variables are fixed and the incident resolved
      await h.zeebe.setVariables({ elementInstanceKey: processInstanceKey, variables: { channel }, local: false });
      await h.zeebe.resolveIncident({ incidentKey: incident.key });
      // then the job is created with the evaluated type and the instance goes on
      const expectedType = type.startsWith('="notify-"') ? `notify-${channel}` : channel;
      const job = await activateOne(h, expectedType);
      expect(job.elementId).toBe('task');
      await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      expect((await waitForInstanceEnd(h.db, processInstanceKey)).intent).toBe('ELEMENT_COMPLETED');
      expect(await records(h.db, { processInstanceKey, valueType: 'INCIDENT', intent: 'RESOLVED' })).toHaveLength(1);
    });

    it.each<[string, string, JSONDoc, string]>([
      [
        'evaluates to null',
        '=attempts + 1',
        {},
        "Expected result of the expression 'attempts + 1' to be 'NUMBER', but was 'NULL'. The evaluation reported the following warnings:\n[NO_VARIABLE_FOUND]",
      ],
      ['evaluates to a string', '=attempts', { attempts: 'three' }, "Expected result of the expression 'attempts' to be 'NUMBER', but was 'STRING'."],
      [
        'fails to evaluate',
        '=assert(attempts, attempts > 0, "attempts must be positive")',
        { attempts: 0 },
        'failed to evaluate expression \'assert(attempts, attempts > 0, "attempts must be positive")\': attempts must be positive',
      ],
    ])('should raise an EXTRACT_VALUE_ERROR incident when the FEEL retries %s and create the job once fixed and resolved', async (_, retries, variables, message) => {
      // given
      const type = unique('feel-retries');
      const { processInstanceKey, incident } = await incidentOnTask(type, retries, variables);
      // then
      expect(incident.value).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'task', jobKey: -1 });
      expect(incident.value.errorMessage.startsWith(message)).toBe(true);
      expect(await activateNow(h, type)).toEqual([]);
      // when
      await h.zeebe.setVariables({ elementInstanceKey: processInstanceKey, variables: { attempts: 4 }, local: false });
      await h.zeebe.resolveIncident({ incidentKey: incident.key });
      // then
      const job = await activateOne(h, type);
      expect(job.retries).toBe(retries === '=attempts + 1' ? 5 : 4);
      await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      expect((await waitForInstanceEnd(h.db, processInstanceKey)).intent).toBe('ELEMENT_COMPLETED');
    });

    it('should raise a new incident when the incident is resolved without fixing the variables', async () => {
      // given
      const { processInstanceKey, incident } = await incidentOnTask('=channel', undefined, {});
      // when
      await h.zeebe.resolveIncident({ incidentKey: incident.key });
      // then
      const incidents = await instanceRecords(h.db, processInstanceKey, { valueType: 'INCIDENT' });
      expect(incidents.map((r) => r.intent)).toEqual(['CREATED', 'RESOLVED', 'CREATED']);
      expect(incidents[2].key).not.toBe(incident.key);
      expect(incidents[2].value).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', errorMessage: incident.value.errorMessage, elementId: 'task' });
    });
  });

  describe('records', () => {
    async function runOneTaskInstance(): Promise<{ processInstanceKey: string; job: Job }> {
      const type = unique('order');
      const [processInstanceKey] = await instancesOf(type, 1, { a: 1 });
      const job = await activateOne(h, type);
      await h.zeebe.completeJob({ jobKey: job.key, variables: { b: 2 } });
      await waitForInstanceEnd(h.db, processInstanceKey);
      return { processInstanceKey, job };
    }

    it('should write the element and job records of start → task → end in Zeebe order', async () => {
      // given / when
      const { processInstanceKey, job } = await runOneTaskInstance();
      // then
      const rows = await instanceRecords(h.db, processInstanceKey);
      const flow = rows.filter((r) => r.valueType === 'PROCESS_INSTANCE' || r.valueType === 'JOB');
      expect(describeRecords(flow).map((line) => line.replace(/ jobs-\S+/, ' <process>'))).toEqual([
        'PROCESS_INSTANCE ELEMENT_ACTIVATING <process>',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED <process>',
        'PROCESS_INSTANCE ELEMENT_ACTIVATING start',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED start',
        'PROCESS_INSTANCE ELEMENT_COMPLETING start',
        'PROCESS_INSTANCE ELEMENT_COMPLETED start',
        'PROCESS_INSTANCE SEQUENCE_FLOW_TAKEN flow_1',
        'PROCESS_INSTANCE ELEMENT_ACTIVATING task',
        'JOB CREATED task',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED task',
        'JOB COMPLETED task',
        'PROCESS_INSTANCE ELEMENT_COMPLETING task',
        'PROCESS_INSTANCE ELEMENT_COMPLETED task',
        'PROCESS_INSTANCE SEQUENCE_FLOW_TAKEN flow_2',
        'PROCESS_INSTANCE ELEMENT_ACTIVATING end',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED end',
        'PROCESS_INSTANCE ELEMENT_COMPLETING end',
        'PROCESS_INSTANCE ELEMENT_COMPLETED end',
        'PROCESS_INSTANCE ELEMENT_COMPLETING <process>',
        'PROCESS_INSTANCE ELEMENT_COMPLETED <process>',
      ]);
      const jobRecords = flow.filter((r) => r.valueType === 'JOB');
      expect(jobRecords.map((r) => r.key)).toEqual([job.key, job.key]);
      const taskKeys = new Set(flow.filter((r) => r.elementId === 'task' && r.valueType === 'PROCESS_INSTANCE').map((r) => r.key));
      expect(taskKeys.size).toBe(1);
      expect(jobRecords[0].value.elementInstanceKey).toBe(Number([...taskKeys][0]));
      const flowKeys = flow.filter((r) => r.intent === 'SEQUENCE_FLOW_TAKEN').map((r) => r.key);
      expect(new Set([...flowKeys, ...taskKeys, processInstanceKey]).size).toBe(4);
      const activations = rows.filter((r) => r.valueType === 'JOB_BATCH');
      expect(activations.every((r) => r.position > jobRecords[0].position && r.position < jobRecords[1].position)).toBe(true);
    });

    it('should write the creation variables and the creation record before the process activates', async () => {
      // given / when
      const { processInstanceKey } = await runOneTaskInstance();
      // then
      const rows = await instanceRecords(h.db, processInstanceKey);
      expect(describeRecords(rows.slice(0, 3)).map((line) => line.replace(/ jobs-\S+/, ' <process>'))).toEqual([
        'VARIABLE CREATED',
        'PROCESS_INSTANCE_CREATION CREATED',
        'PROCESS_INSTANCE ELEMENT_ACTIVATING <process>',
      ]);
      expect(rows[0].value).toMatchObject({ name: 'a', value: '1', scopeKey: Number(processInstanceKey) });
    });

    it("should write the job's variables while the task is completing", async () => {
      // given / when
      const { processInstanceKey } = await runOneTaskInstance();
      // then
      const rows = await instanceRecords(h.db, processInstanceKey);
      const around = rows.filter(
        (r) => (r.valueType === 'VARIABLE' && r.value.name === 'b') || (r.valueType === 'PROCESS_INSTANCE' && r.elementId === 'task') || (r.valueType === 'JOB' && r.intent === 'COMPLETED'),
      );
      expect(describeRecords(around).slice(-4)).toEqual([
        'JOB COMPLETED task',
        'PROCESS_INSTANCE ELEMENT_COMPLETING task',
        'VARIABLE CREATED',
        'PROCESS_INSTANCE ELEMENT_COMPLETED task',
      ]);
    });
  });
});
