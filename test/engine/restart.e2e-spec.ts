import { ManualClock, startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import { oneTaskProcess, processBuilder } from '../helpers/bpmn';
import { catchEvent, eventDocument, message, messageDefinition, startEvent } from '../helpers/event-bpmn';
import { instancesOf, intents, isWaitingAt, recordsWhere, waitForInstances } from '../helpers/event-records';
import { activate, activateNow, activateOne, completeOne, deploy, unique, type Vars } from '../helpers/jobs';
import { instanceRecords, records, waitForInstanceEnd } from '../helpers/records';

/** start → message catch `wait` (name `name`, correlation key `=orderId`) → end. */
function waitForMessage(id: string, name: string): string {
  return eventDocument(
    processBuilder(id).start().raw(catchEvent('wait', messageDefinition('msg'))).end().chain('start', 'wait', 'end'),
    message('msg', name, '=orderId'),
  );
}

/** Keys of the messages correlated to the instance's subscriptions, in order. */
async function correlatedMessages(h: EngineHarness, pik: string): Promise<string[]> {
  const rows = await instanceRecords(h.db, pik, { valueType: 'PROCESS_MESSAGE_SUBSCRIPTION', intent: 'CORRELATED' });
  return rows.map((r) => String(r.value.messageKey));
}

describe('engine restart through the Zeebe client', () => {
  describe('with the system clock', () => {
    let h: EngineHarness;
    beforeAll(async () => {
      h = await startEngineHarness();
    });
    afterAll(async () => {
      await h.close();
    });

    async function start(bpmnProcessId: string, variables: Vars = {}): Promise<string> {
      return (await h.zeebe.createProcessInstance({ bpmnProcessId, variables })).processInstanceKey;
    }

    it('should continue instances waiting at a job after a restart', async () => {
      // given
      const id = unique('restart-wait');
      const type = unique('work');
      await deploy(h, oneTaskProcess(id, type));
      const keys = [await start(id, { n: 1 }), await start(id, { n: 2 }), await start(id, { n: 3 })];
      // when
      await h.restart();
      const jobs = await activate(h, type);
      for (const job of jobs) await h.zeebe.completeJob({ jobKey: job.key, variables: { done: job.variables.n } });
      // then
      expect(jobs.map((j) => j.processInstanceKey).sort()).toEqual([...keys].sort());
      for (const pik of keys) expect((await waitForInstanceEnd(h.db, pik)).intent).toBe('ELEMENT_COMPLETED');
    });

    it('should keep deployed versions across a restart, recognising an unchanged resource', async () => {
      // given
      const id = unique('restart-deploy');
      const xml = oneTaskProcess(id, unique('work'));
      const before = await deploy(h, xml);
      // when
      await h.restart();
      const again = await deploy(h, xml);
      // then
      expect(again).toMatchObject({ version: 1, processDefinitionKey: before.processDefinitionKey });
    });

    it('should keep variables across a restart', async () => {
      // given
      const id = unique('restart-vars');
      const type = unique('work');
      const afterType = unique('after');
      await deploy(
        h,
        processBuilder(id)
          .start()
          .serviceTask('task', { type, inputs: [['=order.total', 'total']] })
          .serviceTask('after', { type: afterType })
          .end()
          .chain('start', 'task', 'after', 'end')
          .xml(),
      );
      const pik = await start(id, { order: { total: 12.5, lines: ['ñ', '🦤'] } });
      const before = await activateOne(h, type);
      await h.zeebe.setVariables({ elementInstanceKey: pik, variables: { flag: true }, local: false });
      const recordCount = (await instanceRecords(h.db, pik, { valueType: 'VARIABLE' })).length;
      // when
      await h.restart();
      await h.zeebe.completeJob({ jobKey: before.key, variables: { result: 'ok' } });
      // then
      const after = await activateOne(h, afterType);
      expect(after.variables).toEqual({ order: { total: 12.5, lines: ['ñ', '🦤'] }, flag: true, result: 'ok' });
      const variableRecords = await instanceRecords(h.db, pik, { valueType: 'VARIABLE' });
      expect(variableRecords.slice(recordCount).map((r) => `${r.intent} ${r.value.name}`)).toEqual(['CREATED result']);
    });

    it('should keep incidents across a restart and continue once resolved', async () => {
      // given: an exclusive gateway without a true condition
      const id = unique('restart-incident');
      await deploy(
        h,
        processBuilder(id)
          .start()
          .gateway('exclusive', 'g')
          .end('yes')
          .end('no')
          .flow('start', 'g')
          .flow('g', 'yes', '=x > 5')
          .flow('g', 'no', '=x < 0')
          .xml(),
      );
      const pik = await start(id, { x: 1 });
      const [incident] = await instanceRecords(h.db, pik, { valueType: 'INCIDENT' });
      // when
      await h.restart();
      await h.zeebe.setVariables({ elementInstanceKey: pik, variables: { x: 10 }, local: false });
      await h.zeebe.resolveIncident({ incidentKey: incident.key });
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(rows.filter((r) => r.valueType === 'INCIDENT').map((r) => `${r.intent} ${r.key}`)).toEqual([`CREATED ${incident.key}`, `RESOLVED ${incident.key}`]);
      expect((await waitForInstanceEnd(h.db, pik)).intent).toBe('ELEMENT_COMPLETED');
      expect(rows.filter((r) => r.intent === 'ELEMENT_COMPLETED').map((r) => r.elementId)).toEqual(['start', 'g', 'yes', id]);
    });

    it('should keep a job incident across a restart, and continue after retries are updated and it is resolved', async () => {
      // given
      const id = unique('restart-job-incident');
      const type = unique('work');
      await deploy(h, oneTaskProcess(id, type));
      const pik = await start(id);
      const job = await activateOne(h, type);
      await h.zeebe.failJob({ jobKey: job.key, retries: 0, errorMessage: 'down', retryBackOff: 0 });
      const [incident] = await instanceRecords(h.db, pik, { valueType: 'INCIDENT' });
      // when
      await h.restart();
      await h.zeebe.updateJobRetries({ jobKey: job.key, retries: 2 });
      await h.zeebe.resolveIncident({ incidentKey: incident.key });
      const again = await activateOne(h, type);
      await h.zeebe.completeJob({ jobKey: again.key, variables: {} });
      // then
      expect(again).toMatchObject({ key: job.key, retries: 2 });
      expect((await waitForInstanceEnd(h.db, pik)).intent).toBe('ELEMENT_COMPLETED');
    });

    it('should keep tokens waiting at a parallel join across a restart', async () => {
      // given
      const id = unique('restart-join');
      const [a, b] = [unique('a'), unique('b')];
      await deploy(
        h,
        processBuilder(id)
          .start()
          .gateway('parallel', 'fork')
          .serviceTask('a', { type: a })
          .serviceTask('b', { type: b })
          .gateway('parallel', 'join')
          .end()
          .chain('start', 'fork')
          .chain('fork', 'a', 'join')
          .chain('fork', 'b', 'join')
          .chain('join', 'end')
          .xml(),
      );
      const pik = await start(id);
      await completeOne(h, a);
      // when
      await h.restart();
      await completeOne(h, b);
      // then
      expect((await waitForInstanceEnd(h.db, pik)).intent).toBe('ELEMENT_COMPLETED');
      const joins = (await instanceRecords(h.db, pik, { elementId: 'join' })).map((r) => r.intent);
      expect(joins).toEqual(['ELEMENT_ACTIVATING', 'ELEMENT_ACTIVATED', 'ELEMENT_COMPLETING', 'ELEMENT_COMPLETED']);
    });

    it('should end a waiting long poll when the engine restarts, and serve the next one', async () => {
      // given
      const id = unique('restart-poll');
      const type = unique('work');
      await deploy(h, oneTaskProcess(id, type));
      const polling = activate(h, type, { requestTimeout: 10_000 }).then(
        (jobs) => ({ jobs }),
        (error: { code: number }) => ({ code: error.code }),
      );
      await new Promise((r) => setTimeout(r, 200));
      // when
      const startedAt = Date.now();
      await h.restart();
      const outcome = await polling;
      // then
      expect(Date.now() - startedAt).toBeLessThan(5000);
      expect(outcome).not.toEqual({ jobs: [expect.anything()] });
      await start(id);
      expect((await activate(h, type)).map((j) => j.elementId)).toEqual(['task']);
    });

    it('should keep buffered messages in publishing order across a restart', async () => {
      // given: three messages for the same name and key, buffered
      const id = unique('restart-buffer-order');
      const other = unique('restart-buffer-other');
      const name = unique('order.update');
      await deploy(h, waitForMessage(id, name));
      await deploy(h, waitForMessage(other, name));
      const published: string[] = [];
      for (const n of [1, 2, 3]) published.push((await h.zeebe.publishMessage({ name, correlationKey: 'o-1', timeToLive: 600_000, variables: { n } })).key);
      // and the first two were taken by another process since (their stored rows were rewritten last)
      for (let i = 0; i < 2; i++) await waitForInstanceEnd(h.db, await start(other, { orderId: 'o-1' }));
      // when
      await h.restart();
      const piks: string[] = [];
      for (let i = 0; i < 3; i++) piks.push(await start(id, { orderId: 'o-1' }));
      // then: one message per instance, the oldest first
      for (const [i, pik] of piks.entries()) {
        expect((await waitForInstanceEnd(h.db, pik)).intent).toBe('ELEMENT_COMPLETED');
        expect(await correlatedMessages(h, pik)).toEqual([published[i]]);
      }
    });

    it('should not correlate a buffered message again after a restart to the process it already correlated to', async () => {
      // given: a buffered message taken by one instance
      const id = unique('restart-correlated-once');
      const name = unique('order.paid');
      await deploy(h, waitForMessage(id, name));
      const first = await start(id, { orderId: 'o-1' });
      const published = await h.zeebe.publishMessage({ name, correlationKey: 'o-1', timeToLive: 600_000, variables: {} });
      await waitForInstanceEnd(h.db, first);
      // when
      await h.restart();
      const second = await start(id, { orderId: 'o-1' });
      // then
      expect(await correlatedMessages(h, first)).toEqual([published.key]);
      expect(await isWaitingAt(h.db, second, 'wait')).toBe(true);
      expect(await correlatedMessages(h, second)).toEqual([]);
      expect(intents(await recordsWhere(h.db, 'MESSAGE', 'name', name))).toEqual(['PUBLISHED']);
    });

    it('should start no second instance for a correlation key after a restart while the first is active', async () => {
      // given: an instance started by a message with key c-1, waiting at a job
      const id = unique('restart-start-key');
      const name = unique('customer.registered');
      const type = unique('welcome');
      await deploy(
        h,
        eventDocument(
          processBuilder(id).raw(startEvent('msgStart', messageDefinition('msg'))).serviceTask('task', { type }).end().chain('msgStart', 'task', 'end'),
          message('msg', name),
        ),
      );
      await h.zeebe.publishMessage({ name, correlationKey: 'c-1', timeToLive: 600_000, variables: { n: 1 } });
      const [first] = await waitForInstances(h.db, id, 1);
      // when
      await h.restart();
      await h.zeebe.publishMessage({ name, correlationKey: 'c-1', timeToLive: 600_000, variables: { n: 2 } });
      // then
      expect(await instancesOf(h.db, id)).toEqual([first]);
      // and once the first ends, the buffered second message (not the first again) starts the next
      const job = await activateOne(h, type);
      expect(job.variables).toEqual({ n: 1 });
      await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      const [, next] = await waitForInstances(h.db, id, 2);
      expect((await activateOne(h, type)).variables).toEqual({ n: 2 });
      expect(await activateNow(h, type)).toEqual([]);
      expect(await instancesOf(h.db, id)).toEqual([first, next]);
    });

    it('should never reuse a key or a position from before the restart', async () => {
      // given
      const id = unique('restart-keys');
      const type = unique('work');
      await deploy(h, oneTaskProcess(id, type));
      await start(id);
      const before = await records(h.db);
      const lastPosition = Math.max(...before.map((r) => r.position));
      const usedKeys = new Set(before.map((r) => r.key));
      const lastKey = before.map((r) => BigInt(r.key)).reduce((m, k) => (k > m ? k : m), 0n);
      // when
      await h.restart();
      const redeployed = await deploy(h, oneTaskProcess(id, `${type}-changed`));
      const pik = await start(id);
      await completeOne(h, `${type}-changed`);
      await waitForInstanceEnd(h.db, pik);
      // then
      const after = await records(h.db, { after: lastPosition });
      expect(after.length).toBeGreaterThan(5);
      const newKeys = [redeployed.processDefinitionKey, pik, ...after.filter((r) => r.intent === 'CREATED' || r.intent === 'ELEMENT_ACTIVATING').map((r) => r.key)];
      for (const key of newKeys) {
        expect(usedKeys.has(key)).toBe(false);
        expect(BigInt(key)).toBeGreaterThan(lastKey);
      }
      expect(after[0].position).toBe(lastPosition + 1);
    });
  });

  describe('with a manual clock', () => {
    let h: EngineHarness;
    let clock: ManualClock;
    beforeAll(async () => {
      clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
      h = await startEngineHarness({ clock });
    });
    afterAll(async () => {
      await h.close();
    });

    it('should make an activated job whose deadline passed while the engine was down activatable after the restart', async () => {
      // given: a job locked for 10 s
      const id = unique('restart-deadline');
      const type = unique('work');
      await deploy(h, oneTaskProcess(id, type));
      const pik = (await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} })).processInstanceKey;
      const locked = await activateOne(h, type, { timeout: 10_000 });
      expect(await activateNow(h, type)).toEqual([]);
      // when: the engine is down while the deadline passes
      await h.engine.close();
      clock.advance(60_000);
      await h.restart();
      // then
      const again = await activateOne(h, type, { timeout: 10_000 });
      expect(again).toMatchObject({ key: locked.key, retries: locked.retries });
      expect(Number(again.deadline)).toBe(clock.now() + 10_000);
      const jobRecords = await instanceRecords(h.db, pik, { valueType: 'JOB' });
      expect(jobRecords.map((r) => r.intent)).toEqual(['CREATED', 'TIMED_OUT']);
      await h.zeebe.completeJob({ jobKey: again.key, variables: {} });
      expect((await waitForInstanceEnd(h.db, pik)).intent).toBe('ELEMENT_COMPLETED');
    });

    it('should make a failed job activatable once its backoff is over, across a restart', async () => {
      // given
      const id = unique('restart-backoff');
      const type = unique('work');
      await deploy(h, oneTaskProcess(id, type));
      const pik = (await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} })).processInstanceKey;
      const job = await activateOne(h, type);
      await h.zeebe.failJob({ jobKey: job.key, retries: 2, errorMessage: 'later', retryBackOff: 30_000 });
      // when
      await h.engine.close();
      clock.advance(1000);
      await h.restart();
      // then
      expect(await activateNow(h, type)).toEqual([]);
      clock.advance(30_000);
      const again = await activateOne(h, type);
      expect(again).toMatchObject({ key: job.key, retries: 2 });
      const intents = (await instanceRecords(h.db, pik, { valueType: 'JOB' })).map((r) => r.intent);
      expect(intents).toEqual(['CREATED', 'FAILED', 'RECURRED_AFTER_BACKOFF']);
    });

    it('should keep an activated job whose deadline has not passed locked after the restart', async () => {
      // given
      const id = unique('restart-locked');
      const type = unique('work');
      await deploy(h, oneTaskProcess(id, type));
      await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} });
      const locked = await activateOne(h, type, { timeout: 60_000 });
      // when
      await h.engine.close();
      clock.advance(1000);
      await h.restart();
      // then
      expect(await activateNow(h, type)).toEqual([]);
      clock.advance(60_000);
      const again = await activateOne(h, type);
      expect(again.key).toBe(locked.key);
    });
  });
});
