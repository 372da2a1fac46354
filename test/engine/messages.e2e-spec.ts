import { processBuilder } from '../helpers/bpmn';
import { ManualClock, startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import {
  boundaryEvent,
  catchEvent,
  eventBasedGateway,
  eventDocument,
  eventSubprocess,
  message,
  messageDefinition,
  messageEndEvent,
  messageThrowEvent,
  receiveTask,
  startEvent,
  timerDefinition,
} from '../helpers/event-bpmn';
import { hasEnded, instancesOf, intents, isWaitingAt, recordsWhere, settle, waitForInstances, waitForRecords } from '../helpers/event-records';
import { activate, activateNow, activateOne, deploy, grpcError, setVariables, unique, type Vars } from '../helpers/jobs';
import { describeRecords, elementInstanceKey, elementsWith, instanceRecords, lifecycle, records, waitForInstanceEnd, type RecordRow } from '../helpers/records';

const MINUTE = 60_000;

/**
 * Messages through the Zeebe client: correlation by name and key, buffering for the time to
 * live, message ids, boundary events, event subprocesses and message start events — asserted on
 * the records the engine writes.
 */
describe('messages', () => {
  let h: EngineHarness;
  const clock = new ManualClock(Date.parse('2026-11-24T09:30:00Z'));

  beforeAll(async () => {
    h = await startEngineHarness({ clock });
  });
  afterAll(async () => {
    await h.close();
  });

  async function start(bpmnProcessId: string, variables: Vars = {}): Promise<string> {
    return (await h.zeebe.createProcessInstance({ bpmnProcessId, variables })).processInstanceKey;
  }

  function publish(name: string, correlationKey: string, variables: Vars = {}, timeToLive?: number, messageId?: string) {
    return h.zeebe.publishMessage({
      name,
      correlationKey,
      variables,
      ...(timeToLive !== undefined ? { timeToLive } : {}),
      ...(messageId !== undefined ? { messageId } : {}),
    });
  }

  /** start → message catch `wait` (correlation key `=orderId`) → service task of `type` → end. */
  function catchThenTask(id: string, name: string, type: string): string {
    return eventDocument(
      processBuilder(id)
        .start()
        .raw(catchEvent('wait', messageDefinition('msg')))
        .serviceTask('task', { type })
        .end()
        .chain('start', 'wait', 'task', 'end'),
      message('msg', name, '=orderId'),
    );
  }

  /** start → message catch `wait` (correlation key `=orderId`) → end. */
  function catchOnly(id: string, name: string): string {
    return eventDocument(
      processBuilder(id).start().raw(catchEvent('wait', messageDefinition('msg'))).end().chain('start', 'wait', 'end'),
      message('msg', name, '=orderId'),
    );
  }

  const subscriptionRecords = (pik: string) => instanceRecords(h.db, pik, { valueType: 'PROCESS_MESSAGE_SUBSCRIPTION' });
  const messageSideRecords = (pik: string) => instanceRecords(h.db, pik, { valueType: 'MESSAGE_SUBSCRIPTION' });

  /** Both sides of the message subscriptions and the lifecycle of `elementIds`, as `VALUE_TYPE INTENT elementId`. */
  const subscriptionStory = (rows: RecordRow[], elementIds: string[]) =>
    describeRecords(
      rows.filter(
        (r) =>
          r.valueType === 'MESSAGE_SUBSCRIPTION' ||
          r.valueType === 'PROCESS_MESSAGE_SUBSCRIPTION' ||
          (r.valueType === 'PROCESS_INSTANCE' && elementIds.includes(r.elementId ?? '')),
      ),
    );

  describe('intermediate message catch event', () => {
    it('should correlate to the instance whose correlation key matches and pass the message variables on', async () => {
      // given
      const id = unique('msg-catch');
      const name = unique('order.paid');
      const type = unique('after-paid');
      await deploy(h, catchThenTask(id, name, type));
      const paid = await start(id, { orderId: 'o-1' });
      const other = await start(id, { orderId: 'o-2' });
      // when
      const published = await publish(name, 'o-1', { amount: 42 });
      // then
      const job = await activateOne(h, type);
      expect(job.processInstanceKey).toBe(paid);
      expect(job.variables).toEqual({ orderId: 'o-1', amount: 42 });
      expect(lifecycle(await instanceRecords(h.db, paid), ['wait'])).toEqual([
        'wait:ACTIVATING',
        'wait:ACTIVATED',
        'wait:COMPLETING',
        'wait:COMPLETED',
      ]);
      const subscriptions = await subscriptionRecords(paid);
      expect(intents(subscriptions)).toEqual(['CREATED', 'CORRELATED']);
      expect(subscriptions[1].value).toMatchObject({
        messageName: name,
        correlationKey: 'o-1',
        messageKey: Number(published.key),
        elementId: 'wait',
        variables: { amount: 42 },
      });
      expect(await isWaitingAt(h.db, other, 'wait')).toBe(true);
      expect(intents(await subscriptionRecords(other))).toEqual(['CREATED']);
    });

    it('should evaluate the message name and correlation key when the subscription opens and never again', async () => {
      // given: name and key are expressions; the variables change after the subscription opened
      const id = unique('msg-eval-once');
      const name = unique('order.shipped');
      await deploy(
        h,
        eventDocument(
          processBuilder(id).start().raw(catchEvent('wait', messageDefinition('msg'))).end().chain('start', 'wait', 'end'),
          message('msg', '=messageName', '=orderId'),
        ),
      );
      const pik = await start(id, { messageName: name, orderId: 'old' });
      await setVariables(h, pik, { messageName: `${name}-changed`, orderId: 'new' }, false);
      // when
      await publish(`${name}-changed`, 'new');
      await publish(name, 'new');
      const stillWaiting = await isWaitingAt(h.db, pik, 'wait');
      await publish(name, 'old');
      // then
      expect(stillWaiting).toBe(true);
      await waitForInstanceEnd(h.db, pik);
      const subscriptions = await subscriptionRecords(pik);
      expect(intents(subscriptions)).toEqual(['CREATED', 'CORRELATED']);
      expect(subscriptions.map((r) => `${r.value.messageName}/${r.value.correlationKey}`)).toEqual([`${name}/old`, `${name}/old`]);
    });

    it('should close the subscription when the instance is canceled and correlate no later message', async () => {
      // given
      const id = unique('msg-cancel');
      const name = unique('order.cancel');
      await deploy(h, catchOnly(id, name));
      const pik = await start(id, { orderId: 'o-1' });
      // when
      await h.zeebe.cancelProcessInstance(pik);
      await publish(name, 'o-1', {}, MINUTE);
      // then
      expect(intents(await subscriptionRecords(pik))).toEqual(['CREATED', 'DELETED']);
      expect(lifecycle(await instanceRecords(h.db, pik), ['wait'])).toEqual(['wait:ACTIVATING', 'wait:ACTIVATED', 'wait:TERMINATING', 'wait:TERMINATED']);
    });
    it('should raise an incident when the correlation key is missing and subscribe with a number key once it is resolved', async () => {
      // given
      const id = unique('msg-key-missing');
      const name = unique('order.keyless');
      await deploy(h, catchOnly(id, name));
      const pik = await start(id, {});
      const [incident] = await waitForRecords(h.db, { processInstanceKey: pik, valueType: 'INCIDENT', intent: 'CREATED' }, 1);
      // when the key is set (a number) and the incident resolved
      await setVariables(h, pik, { orderId: 123 }, false);
      await h.zeebe.resolveIncident({ incidentKey: incident.key });
      await publish(name, '123');
      // then
      await waitForInstanceEnd(h.db, pik);
      const subscriptions = await subscriptionRecords(pik);
      expect(subscriptions.map((r) => `${r.intent} ${r.value.correlationKey}`)).toEqual(['CREATED 123', 'CORRELATED 123']);
      expect(incident.value).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'wait' });
      // Zeebe appends FEEL's warnings, worded by its own FEEL engine; the sentence before them is Zeebe's.
      expect(incident.value.errorMessage).toMatch(
        /^Failed to extract the correlation key for 'orderId': The value must be either a string or a number, but was 'NULL'\./,
      );
    });

    it('should raise an incident when the correlation key is neither a string nor a number', async () => {
      // given
      const id = unique('msg-key-boolean');
      const name = unique('order.boolean');
      await deploy(h, catchOnly(id, name));
      // when
      const pik = await start(id, { orderId: true });
      // then
      const [incident] = await waitForRecords(h.db, { processInstanceKey: pik, valueType: 'INCIDENT', intent: 'CREATED' }, 1, undefined, 2000).catch(() => [undefined]);
      expect(incident?.value).toMatchObject({
        errorType: 'EXTRACT_VALUE_ERROR',
        errorMessage: "Failed to extract the correlation key for 'orderId': The value must be either a string or a number, but was 'BOOLEAN'.",
        elementId: 'wait',
      });
      expect(intents(await subscriptionRecords(pik))).toEqual([]);
    });
  });

  describe('receive task', () => {
    it('should complete a receive task with the message and pass its variables on', async () => {
      // given
      const id = unique('msg-receive');
      const name = unique('invoice.received');
      const type = unique('after-receive');
      await deploy(
        h,
        eventDocument(
          processBuilder(id).start().raw(receiveTask('receive', 'msg')).serviceTask('task', { type }).end().chain('start', 'receive', 'task', 'end'),
          message('msg', name, '=orderId'),
        ),
      );
      const pik = await start(id, { orderId: 'o-7' });
      // when
      await publish(name, 'o-7', { invoice: 'inv-1' });
      // then
      const job = await activateOne(h, type);
      expect(job.processInstanceKey).toBe(pik);
      expect(job.variables).toEqual({ orderId: 'o-7', invoice: 'inv-1' });
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['receive'])).toEqual(['receive:ACTIVATING', 'receive:ACTIVATED', 'receive:COMPLETING', 'receive:COMPLETED']);
      expect(rows.find((r) => r.elementId === 'receive')?.bpmnElementType).toBe('RECEIVE_TASK');
      expect(intents(await subscriptionRecords(pik))).toEqual(['CREATED', 'CORRELATED']);
    });
  });

  describe('buffering (time to live)', () => {
    it('should correlate a message published before the subscription opened when it opens', async () => {
      // given
      const id = unique('msg-buffered');
      const name = unique('order.early');
      const type = unique('after-early');
      await deploy(h, catchThenTask(id, name, type));
      const published = await publish(name, 'o-1', { early: true }, MINUTE);
      // when
      const pik = await start(id, { orderId: 'o-1' });
      // then
      const job = await activateOne(h, type);
      expect(job.processInstanceKey).toBe(pik);
      expect(job.variables).toEqual({ orderId: 'o-1', early: true });
      const subscriptions = await subscriptionRecords(pik);
      expect(intents(subscriptions)).toEqual(['CREATED', 'CORRELATED']);
      expect(subscriptions[1].value.messageKey).toBe(Number(published.key));
      expect(intents(await recordsWhere(h.db, 'MESSAGE', 'name', name))).toEqual(['PUBLISHED']);
    });

    it('should take the oldest buffered message first when several are buffered', async () => {
      // given: three messages for the same key; one message correlates once per process
      const id = unique('msg-oldest');
      const name = unique('order.update');
      const type = unique('after-update');
      await deploy(h, catchThenTask(id, name, type));
      const keys = [];
      for (const n of [1, 2, 3]) keys.push((await publish(name, 'o-1', { n }, MINUTE)).key);
      // when
      const first = await start(id, { orderId: 'o-1' });
      const second = await start(id, { orderId: 'o-1' });
      // then
      const correlatedKeys = async (pik: string) =>
        (await subscriptionRecords(pik)).filter((r) => r.intent === 'CORRELATED').map((r) => String(r.value.messageKey));
      expect(await correlatedKeys(first)).toEqual([keys[0]]);
      expect(await correlatedKeys(second)).toEqual([keys[1]]);
      const jobs = await activate(h, type, { maxJobsToActivate: 5 });
      expect(jobs.map((j) => [j.processInstanceKey, j.variables.n]).sort()).toEqual([
        [first, 1],
        [second, 2],
      ].sort());
    });

    it('should drop a message with time to live 0 that nothing waits for', async () => {
      // given: no time to live given, as the SDK's default (0)
      const id = unique('msg-ttl0');
      const name = unique('order.now');
      await deploy(h, catchOnly(id, name));
      const published = await publish(name, 'o-1', { late: false });
      // when
      const pik = await start(id, { orderId: 'o-1' });
      await settle(h);
      // then
      const messages = await recordsWhere(h.db, 'MESSAGE', 'name', name);
      expect(intents(messages)).toEqual(['PUBLISHED', 'EXPIRED']);
      expect(messages.map((r) => r.key)).toEqual([published.key, published.key]);
      expect(messages[0].value.timeToLive).toBe(0);
      expect(intents(await subscriptionRecords(pik))).toEqual(['CREATED']);
      expect(await isWaitingAt(h.db, pik, 'wait')).toBe(true);
    });

    it('should keep a buffered message until its time to live is over', async () => {
      // given
      const id = unique('msg-ttl-keep');
      const name = unique('order.kept');
      await deploy(h, catchOnly(id, name));
      await publish(name, 'o-1', {}, 10_000);
      // when
      clock.advance(9_999);
      await settle(h);
      const pik = await start(id, { orderId: 'o-1' });
      // then
      await waitForInstanceEnd(h.db, pik);
      expect(intents(await subscriptionRecords(pik))).toEqual(['CREATED', 'CORRELATED']);
    });

    it('should expire a buffered message after its time to live and not correlate it any more', async () => {
      // given
      const id = unique('msg-ttl-expire');
      const name = unique('order.expired');
      await deploy(h, catchOnly(id, name));
      const published = await publish(name, 'o-1', {}, 10_000);
      // when
      clock.advance(10_001);
      await waitForRecords(h.db, { valueType: 'MESSAGE', intent: 'EXPIRED' }, 1, (r) => r.key === published.key);
      const pik = await start(id, { orderId: 'o-1' });
      await settle(h);
      // then
      const messages = await recordsWhere(h.db, 'MESSAGE', 'name', name);
      expect(intents(messages)).toEqual(['PUBLISHED', 'EXPIRED']);
      expect(messages[0].value).toMatchObject({ name, correlationKey: 'o-1', timeToLive: 10_000 });
      expect(intents(await subscriptionRecords(pik))).toEqual(['CREATED']);
      expect(await isWaitingAt(h.db, pik, 'wait')).toBe(true);
    });
  });

  describe('message id', () => {
    it('should reject a second message with the same name, key and id while the first is buffered', async () => {
      // given
      const name = unique('order.dedup');
      await publish(name, 'o-1', {}, MINUTE, 'm-1');
      // when
      const error = await grpcError(() => publish(name, 'o-1', {}, MINUTE, 'm-1'));
      // then
      expect(error.code).toBe(6);
      expect(error.details).toBe(
        "Command 'PUBLISH' rejected with code 'ALREADY_EXISTS': Expected to publish a new message with id 'm-1', but a message with that id was already published",
      );
      await expect(publish(name, 'o-2', {}, MINUTE, 'm-1')).resolves.toBeDefined();
      await expect(publish(`${name}-other`, 'o-1', {}, MINUTE, 'm-1')).resolves.toBeDefined();
      expect(intents(await recordsWhere(h.db, 'MESSAGE', 'name', name))).toEqual(['PUBLISHED', 'PUBLISHED']);
    });

    it('should accept the same message id again once the first message expired', async () => {
      // given
      const name = unique('order.dedup-expired');
      const first = await publish(name, 'o-1', {}, MINUTE, 'm-1');
      clock.advance(MINUTE + 1);
      await waitForRecords(h.db, { valueType: 'MESSAGE', intent: 'EXPIRED' }, 1, (r) => r.key === first.key);
      // when
      const second = await publish(name, 'o-1', {}, MINUTE, 'm-1');
      // then
      expect(second.key).not.toBe(first.key);
      expect(intents(await recordsWhere(h.db, 'MESSAGE', 'name', name))).toEqual(['PUBLISHED', 'EXPIRED', 'PUBLISHED']);
    });
  });

  describe('cardinality', () => {
    it('should correlate a message once per process but to an instance of each process', async () => {
      // given: two instances of one process and one of another wait for the same name and key
      const name = unique('order.broadcast');
      const p = unique('msg-once-p');
      const q = unique('msg-once-q');
      await deploy(h, catchOnly(p, name));
      await deploy(h, catchOnly(q, name));
      const p1 = await start(p, { orderId: 'o-1' });
      const p2 = await start(p, { orderId: 'o-1' });
      const q1 = await start(q, { orderId: 'o-1' });
      // when
      await publish(name, 'o-1');
      // then
      const ended = async () => [(await hasEnded(h.db, p1)) ? 'p1' : '', (await hasEnded(h.db, p2)) ? 'p2' : '', (await hasEnded(h.db, q1)) ? 'q1' : ''].filter(Boolean);
      const afterFirst = await ended();
      expect(afterFirst).toHaveLength(2);
      expect(afterFirst).toContain('q1');
      // when the same message comes again, the other instance of p takes it
      await publish(name, 'o-1');
      expect(await ended()).toEqual(['p1', 'p2', 'q1']);
    });

    it('should correlate a buffered message to an instance of each process but once per process', async () => {
      // given
      const name = unique('order.buffered-broadcast');
      const p = unique('msg-buf-p');
      const q = unique('msg-buf-q');
      await deploy(h, catchOnly(p, name));
      await deploy(h, catchOnly(q, name));
      await publish(name, 'o-1', {}, MINUTE);
      // when
      const p1 = await start(p, { orderId: 'o-1' });
      const q1 = await start(q, { orderId: 'o-1' });
      const p2 = await start(p, { orderId: 'o-1' });
      await settle(h);
      // then
      expect(await hasEnded(h.db, p1)).toBe(true);
      expect(await hasEnded(h.db, q1)).toBe(true);
      expect(await isWaitingAt(h.db, p2, 'wait')).toBe(true);
      expect(intents(await subscriptionRecords(p2))).toEqual(['CREATED']);
    });
  });

  describe('subscription records', () => {
    it('should write both sides of a subscription that a published message correlates to, in Zeebe\'s order', async () => {
      // given
      const id = unique('msg-sides');
      const name = unique('order.sides');
      await deploy(h, catchOnly(id, name));
      const pik = await start(id, { orderId: 'o-1' });
      // when
      const published = await publish(name, 'o-1', { amount: 7 });
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(subscriptionStory(rows, ['wait'])).toEqual([
        'PROCESS_INSTANCE ELEMENT_ACTIVATING wait',
        'MESSAGE_SUBSCRIPTION CREATED wait',
        'PROCESS_MESSAGE_SUBSCRIPTION CREATED wait',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED wait',
        'MESSAGE_SUBSCRIPTION CORRELATING wait',
        'PROCESS_MESSAGE_SUBSCRIPTION CORRELATED wait',
        'PROCESS_INSTANCE ELEMENT_COMPLETING wait',
        'PROCESS_INSTANCE ELEMENT_COMPLETED wait',
        'MESSAGE_SUBSCRIPTION CORRELATED wait',
      ]);
      const waitKey = await elementInstanceKey(h.db, pik, 'wait');
      const messageSide = await messageSideRecords(pik);
      expect(messageSide[0].value).toEqual({
        processInstanceKey: Number(pik),
        elementInstanceKey: Number(waitKey),
        bpmnProcessId: id,
        messageName: name,
        correlationKey: 'o-1',
        interrupting: true,
        messageKey: -1,
        variables: {},
        tenantId: '<default>',
      });
      for (const correlation of messageSide.slice(1)) {
        expect(correlation.value).toMatchObject({ messageKey: Number(published.key), variables: { amount: 7 }, elementInstanceKey: Number(waitKey) });
      }
      const [processSide] = await subscriptionRecords(pik);
      expect(new Set(messageSide.map((r) => r.key))).toEqual(new Set([processSide.key]));
      const [publishedRecord] = (await recordsWhere(h.db, 'MESSAGE', 'name', name)).filter((r) => r.intent === 'PUBLISHED');
      expect(publishedRecord.position).toBeLessThan(messageSide[1].position);
    });

    it('should mark a buffered message correlating only after the subscription opened', async () => {
      // given
      const id = unique('msg-sides-buffered');
      const name = unique('order.sides-buffered');
      await deploy(h, catchOnly(id, name));
      const published = await publish(name, 'o-1', {}, MINUTE);
      // when
      const pik = await start(id, { orderId: 'o-1' });
      // then
      await waitForInstanceEnd(h.db, pik);
      expect(subscriptionStory(await instanceRecords(h.db, pik), ['wait'])).toEqual([
        'PROCESS_INSTANCE ELEMENT_ACTIVATING wait',
        'MESSAGE_SUBSCRIPTION CREATED wait',
        'PROCESS_MESSAGE_SUBSCRIPTION CREATED wait',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED wait',
        'MESSAGE_SUBSCRIPTION CORRELATING wait',
        'PROCESS_MESSAGE_SUBSCRIPTION CORRELATED wait',
        'PROCESS_INSTANCE ELEMENT_COMPLETING wait',
        'PROCESS_INSTANCE ELEMENT_COMPLETED wait',
        'MESSAGE_SUBSCRIPTION CORRELATED wait',
      ]);
      expect((await messageSideRecords(pik)).filter((r) => r.intent === 'CORRELATED').map((r) => String(r.value.messageKey))).toEqual([published.key]);
    });

    it('should delete the message side of a subscription before the process side when the element is terminated', async () => {
      // given
      const id = unique('msg-sides-cancel');
      const name = unique('order.sides-cancel');
      await deploy(h, catchOnly(id, name));
      const pik = await start(id, { orderId: 'o-1' });
      // when
      await h.zeebe.cancelProcessInstance(pik);
      // then
      expect(subscriptionStory(await instanceRecords(h.db, pik), ['wait'])).toEqual([
        'PROCESS_INSTANCE ELEMENT_ACTIVATING wait',
        'MESSAGE_SUBSCRIPTION CREATED wait',
        'PROCESS_MESSAGE_SUBSCRIPTION CREATED wait',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED wait',
        'PROCESS_INSTANCE ELEMENT_TERMINATING wait',
        'MESSAGE_SUBSCRIPTION DELETED wait',
        'PROCESS_MESSAGE_SUBSCRIPTION DELETED wait',
        'PROCESS_INSTANCE ELEMENT_TERMINATED wait',
      ]);
    });

    it('should keep the message side open through each correlation of a non-interrupting boundary event until the activity completes', async () => {
      // given
      const id = unique('msg-sides-ni');
      const name = unique('order.sides-ni');
      const type = unique('ship');
      await deploy(
        h,
        eventDocument(
          processBuilder(id)
            .start()
            .serviceTask('task', { type })
            .raw(boundaryEvent('onMsg', 'task', messageDefinition('msg'), false))
            .end()
            .end('noted')
            .chain('start', 'task', 'end')
            .flow('onMsg', 'noted'),
          message('msg', name, '=orderId'),
        ),
      );
      const pik = await start(id, { orderId: 'o-1' });
      const first = await publish(name, 'o-1', { n: 1 });
      const second = await publish(name, 'o-1', { n: 2 });
      // when
      await h.zeebe.completeJob({ jobKey: (await activateOne(h, type)).key, variables: {} });
      // then
      await waitForInstanceEnd(h.db, pik);
      const messageSide = await messageSideRecords(pik);
      expect(messageSide.map((r) => `${r.intent} ${r.value.messageKey}`)).toEqual([
        'CREATED -1',
        `CORRELATING ${first.key}`,
        `CORRELATED ${first.key}`,
        `CORRELATING ${second.key}`,
        `CORRELATED ${second.key}`,
        'DELETED -1',
      ]);
      expect(messageSide.every((r) => r.elementId === 'onMsg' && r.value.interrupting === false)).toBe(true);
    });

    it('should delete the subscription of the branch an event-based gateway did not take', async () => {
      // given
      const id = unique('msg-sides-gateway');
      const [paid, cancelled] = [unique('order.paid'), unique('order.cancelled')];
      await deploy(
        h,
        eventDocument(
          processBuilder(id)
            .start()
            .raw(eventBasedGateway('choice'))
            .raw(catchEvent('paid', messageDefinition('paidMsg')))
            .raw(catchEvent('cancelled', messageDefinition('cancelledMsg')))
            .end()
            .end('endCancelled')
            .chain('start', 'choice', 'paid', 'end')
            .chain('choice', 'cancelled', 'endCancelled'),
          message('paidMsg', paid, '=orderId'),
          message('cancelledMsg', cancelled, '=orderId'),
        ),
      );
      const pik = await start(id, { orderId: 'o-1' });
      // when
      await publish(cancelled, 'o-1');
      // then
      await waitForInstanceEnd(h.db, pik);
      const bySide = (rows: RecordRow[]) => rows.map((r) => `${r.intent} ${r.elementId}`);
      expect(bySide(await messageSideRecords(pik))).toEqual([
        'CREATED paid',
        'CREATED cancelled',
        'CORRELATING cancelled',
        'DELETED paid',
        'CORRELATED cancelled',
      ]);
      expect(bySide(await subscriptionRecords(pik))).toEqual(['CREATED paid', 'CREATED cancelled', 'CORRELATED cancelled', 'DELETED paid']);
      await publish(paid, 'o-1');
      expect(intents((await messageSideRecords(pik)).filter((r) => r.elementId === 'paid'))).toEqual(['CREATED', 'DELETED']);
    });
  });

  describe('one correlation per instance', () => {
    /** start → fork → two catch events `a` and `b` for the same message name and key → join → end. */
    function twoCatches(id: string, name: string): string {
      return eventDocument(
        processBuilder(id)
          .start()
          .gateway('parallel', 'fork')
          .raw(catchEvent('a', messageDefinition('msg')))
          .raw(catchEvent('b', messageDefinition('msg')))
          .gateway('parallel', 'join')
          .end()
          .chain('start', 'fork')
          .chain('fork', 'a', 'join')
          .chain('fork', 'b', 'join')
          .chain('join', 'end'),
        message('msg', name, '=orderId'),
      );
    }

    const correlatedElements = async (pik: string) =>
      (await subscriptionRecords(pik)).filter((r) => r.intent === 'CORRELATED').map((r) => `${r.elementId} ${r.value.messageKey}`);

    it('should correlate a published message to only one of two subscriptions of the same instance for the same name and key', async () => {
      // given
      const id = unique('msg-two-subs');
      const name = unique('order.twice');
      await deploy(h, twoCatches(id, name));
      const pik = await start(id, { orderId: 'o-1' });
      // when
      const first = await publish(name, 'o-1', {}, MINUTE);
      // then: the older subscription takes it, the other one keeps waiting
      expect(await correlatedElements(pik)).toEqual([`a ${first.key}`]);
      expect(await isWaitingAt(h.db, pik, 'b')).toBe(true);
      // when the message comes again
      const second = await publish(name, 'o-1');
      // then
      await waitForInstanceEnd(h.db, pik);
      expect(await correlatedElements(pik)).toEqual([`a ${first.key}`, `b ${second.key}`]);
      expect(intents(await messageSideRecords(pik)).filter((i) => i === 'CORRELATED')).toHaveLength(2);
    });

    it('should correlate a buffered message to only one of two subscriptions that open in the same instance', async () => {
      // given
      const id = unique('msg-two-subs-buffered');
      const name = unique('order.twice-buffered');
      await deploy(h, twoCatches(id, name));
      const buffered = await publish(name, 'o-1', { n: 1 }, MINUTE);
      // when
      const pik = await start(id, { orderId: 'o-1' });
      await settle(h);
      // then
      const correlated = await correlatedElements(pik);
      expect(correlated).toHaveLength(1);
      expect(correlated[0]).toMatch(new RegExp(`^[ab] ${buffered.key}$`));
      const other = correlated[0].startsWith('a') ? 'b' : 'a';
      expect(await isWaitingAt(h.db, pik, other)).toBe(true);
      // and a second message with the same name and key is taken by the other subscription
      const second = await publish(name, 'o-1', { n: 2 }, MINUTE);
      await waitForInstanceEnd(h.db, pik);
      expect(await correlatedElements(pik)).toEqual([...correlated, `${other} ${second.key}`]);
    });
  });

  describe('message throw events and send tasks (jobs)', () => {
    it('should create a job for an intermediate message throw event and continue when the job completes', async () => {
      // given
      const id = unique('msg-throw');
      const type = unique('publish.offer');
      const after = unique('after-offer');
      await deploy(
        h,
        eventDocument(
          processBuilder(id)
            .start()
            .raw(messageThrowEvent('offer', type, { headers: { channel: 'email', template: 'offer' }, retries: '5' }))
            .serviceTask('after', { type: after })
            .end()
            .chain('start', 'offer', 'after', 'end'),
        ),
      );
      const pik = await start(id, { customerId: 'c-1' });
      // when
      const job = await activateOne(h, type);
      const stillWaiting = await isWaitingAt(h.db, pik, 'offer');
      await h.zeebe.completeJob({ jobKey: job.key, variables: { offerSent: true } });
      // then
      expect(stillWaiting).toBe(true);
      expect(job).toMatchObject({
        type,
        processInstanceKey: pik,
        elementId: 'offer',
        elementInstanceKey: await elementInstanceKey(h.db, pik, 'offer'),
        customHeaders: { channel: 'email', template: 'offer' },
        retries: 5,
        variables: { customerId: 'c-1' },
      });
      const next = await activateOne(h, after);
      expect(next.variables).toEqual({ customerId: 'c-1', offerSent: true });
      const rows = await instanceRecords(h.db, pik);
      expect(rows.find((r) => r.elementId === 'offer')?.bpmnElementType).toBe('INTERMEDIATE_THROW_EVENT');
      expect(describeRecords(rows.filter((r) => r.elementId === 'offer'))).toEqual([
        'PROCESS_INSTANCE ELEMENT_ACTIVATING offer',
        'JOB CREATED offer',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED offer',
        'JOB COMPLETED offer',
        'PROCESS_INSTANCE ELEMENT_COMPLETING offer',
        'PROCESS_INSTANCE ELEMENT_COMPLETED offer',
      ]);
      expect(rows.filter((r) => r.valueType === 'MESSAGE' || r.valueType.endsWith('MESSAGE_SUBSCRIPTION'))).toEqual([]);
    });

    it('should create a job for a message end event and end the instance only when the job completes', async () => {
      // given
      const id = unique('msg-end');
      const type = unique('publish.thanks');
      await deploy(
        h,
        eventDocument(
          processBuilder(id).start().raw(messageEndEvent('thanks', type, { headers: { template: 'thank-you' }, messageRef: 'msg' })).chain('start', 'thanks'),
          message('msg', unique('thanks.sent')),
        ),
      );
      const pik = await start(id, { customerId: 'c-2' });
      // when
      const job = await activateOne(h, type);
      const endedBefore = await hasEnded(h.db, pik);
      await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      // then
      expect(endedBefore).toBe(false);
      expect(job).toMatchObject({ elementId: 'thanks', customHeaders: { template: 'thank-you' }, retries: 3 });
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(rows.find((r) => r.elementId === 'thanks')?.bpmnElementType).toBe('END_EVENT');
      expect(lifecycle(rows, ['thanks', id]).slice(-5)).toEqual([
        'thanks:ACTIVATED',
        'thanks:COMPLETING',
        'thanks:COMPLETED',
        `${id}:COMPLETING`,
        `${id}:COMPLETED`,
      ]);
      expect(intents(rows.filter((r) => r.valueType === 'JOB'))).toEqual(['CREATED', 'COMPLETED']);
    });

    it('should create a job for a send task, with its evaluated type and headers, and continue when the job completes', async () => {
      // given
      const id = unique('msg-send');
      const channel = unique('sms');
      await deploy(
        h,
        processBuilder(id)
          .start()
          .task('sendTask', 'send', { type: '="send." + channel', headers: { template: 'reminder' } })
          .end()
          .chain('start', 'send', 'end')
          .xml(),
      );
      const pik = await start(id, { channel });
      // when
      const job = await activateOne(h, `send.${channel}`);
      await h.zeebe.completeJob({ jobKey: job.key, variables: { delivered: true } });
      // then
      expect(job).toMatchObject({ processInstanceKey: pik, elementId: 'send', customHeaders: { template: 'reminder' } });
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(rows.find((r) => r.elementId === 'send')?.bpmnElementType).toBe('SEND_TASK');
      expect(lifecycle(rows, ['send'])).toEqual(['send:ACTIVATING', 'send:ACTIVATED', 'send:COMPLETING', 'send:COMPLETED']);
      expect(rows.filter((r) => r.valueType === 'VARIABLE' && r.value.name === 'delivered').map((r) => String(r.value.scopeKey))).toEqual([pik]);
    });

    it('should retry the job of a message throw event and raise an incident when its retries are used up', async () => {
      // given
      const id = unique('msg-throw-fail');
      const type = unique('publish.fail');
      await deploy(h, eventDocument(processBuilder(id).start().raw(messageThrowEvent('notify', type, { retries: '2' })).end().chain('start', 'notify', 'end')));
      const pik = await start(id);
      // when
      const job = await activateOne(h, type);
      await h.zeebe.failJob({ jobKey: job.key, retries: 1, errorMessage: 'smtp down', retryBackOff: 0 });
      const again = await activateOne(h, type);
      await h.zeebe.failJob({ jobKey: again.key, retries: 0, errorMessage: 'smtp still down', retryBackOff: 0 });
      // then
      const [incident] = await waitForRecords(h.db, { processInstanceKey: pik, valueType: 'INCIDENT', intent: 'CREATED' }, 1);
      expect(incident.value).toMatchObject({ errorType: 'JOB_NO_RETRIES', errorMessage: 'smtp still down', elementId: 'notify', jobKey: Number(job.key) });
      expect(await isWaitingAt(h.db, pik, 'notify')).toBe(true);
    });
  });

  describe('boundary events', () => {
    /** start → task (boundary `onMsg` → `boundaryPath`) → end; the boundary path ends in `afterBoundary`. */
    function taskWithBoundary(id: string, name: string, type: string, interrupting: boolean, boundaryType?: string): string {
      const b = processBuilder(id)
        .start()
        .serviceTask('task', { type })
        .raw(boundaryEvent('onMsg', 'task', messageDefinition('msg'), interrupting))
        .end()
        .end('afterBoundary')
        .flow('start', 'task')
        .flow('task', 'end');
      if (boundaryType) b.serviceTask('boundaryPath', { type: boundaryType }).flow('onMsg', 'boundaryPath').flow('boundaryPath', 'afterBoundary');
      else b.flow('onMsg', 'afterBoundary');
      return eventDocument(b, message('msg', name, '=orderId'));
    }

    it('should terminate the activity and cancel its job when an interrupting message boundary event is triggered', async () => {
      // given
      const id = unique('msg-boundary');
      const name = unique('order.cancelled');
      const type = unique('charge');
      await deploy(h, taskWithBoundary(id, name, type, true));
      const pik = await start(id, { orderId: 'o-1' });
      const job = await activateOne(h, type);
      // when
      await publish(name, 'o-1', { reason: 'customer' });
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['task', 'onMsg', 'afterBoundary', 'end'])).toEqual([
        'task:ACTIVATING',
        'task:ACTIVATED',
        'task:TERMINATING',
        'task:TERMINATED',
        'onMsg:ACTIVATING',
        'onMsg:ACTIVATED',
        'onMsg:COMPLETING',
        'onMsg:COMPLETED',
        'afterBoundary:ACTIVATING',
        'afterBoundary:ACTIVATED',
        'afterBoundary:COMPLETING',
        'afterBoundary:COMPLETED',
      ]);
      expect(intents(rows.filter((r) => r.valueType === 'JOB'))).toEqual(['CREATED', 'CANCELED']);
      expect(intents(await subscriptionRecords(pik))).toEqual(['CREATED', 'CORRELATED']);
      const error = await grpcError(() => h.zeebe.completeJob({ jobKey: job.key, variables: {} }));
      expect(error.code).toBe(5);
    });

    it('should close the other boundary events of the activity when an interrupting message boundary event is triggered', async () => {
      // given: a message and a timer boundary event on the same task
      const id = unique('msg-boundary-others');
      const name = unique('order.withdrawn');
      const type = unique('approve');
      await deploy(
        h,
        eventDocument(
          processBuilder(id)
            .start()
            .serviceTask('task', { type })
            .raw(boundaryEvent('onMsg', 'task', messageDefinition('msg')))
            .raw(boundaryEvent('onTimeout', 'task', timerDefinition({ duration: 'PT1H' })))
            .end()
            .end('withdrawn')
            .end('timedOut')
            .chain('start', 'task', 'end')
            .flow('onMsg', 'withdrawn')
            .flow('onTimeout', 'timedOut'),
          message('msg', name, '=orderId'),
        ),
      );
      const pik = await start(id, { orderId: 'o-1' });
      // when
      await publish(name, 'o-1');
      clock.advance(2 * 60 * MINUTE);
      await settle(h);
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(intents(rows.filter((r) => r.valueType === 'TIMER'))).toEqual(['CREATED', 'CANCELED']);
      expect(elementsWith(rows, 'ELEMENT_COMPLETED')).toEqual(['start', 'onMsg', 'withdrawn', id]);
    });

    it('should keep the activity running and take the boundary path each time a non-interrupting message boundary event is triggered', async () => {
      // given
      const id = unique('msg-boundary-ni');
      const name = unique('order.reminder');
      const type = unique('ship');
      const notify = unique('notify');
      await deploy(h, taskWithBoundary(id, name, type, false, notify));
      const pik = await start(id, { orderId: 'o-1' });
      // when
      await publish(name, 'o-1', { n: 1 });
      await publish(name, 'o-1', { n: 2 });
      // then
      const notifications = await activate(h, notify, { maxJobsToActivate: 5 });
      expect(notifications).toHaveLength(2);
      expect(await isWaitingAt(h.db, pik, 'task')).toBe(true);
      expect(intents(await subscriptionRecords(pik))).toEqual(['CREATED', 'CORRELATED', 'CORRELATED']);
      // and the activity still completes normally, which closes the subscription
      await h.zeebe.completeJob({ jobKey: (await activateOne(h, type)).key, variables: {} });
      for (const job of notifications) await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['onMsg']).filter((s) => s.endsWith('COMPLETED'))).toEqual(['onMsg:COMPLETED', 'onMsg:COMPLETED']);
      expect(lifecycle(rows, ['task'])).toEqual(['task:ACTIVATING', 'task:ACTIVATED', 'task:COMPLETING', 'task:COMPLETED']);
      expect(intents(await subscriptionRecords(pik))).toEqual(['CREATED', 'CORRELATED', 'CORRELATED', 'DELETED']);
    });
  });

  describe('event subprocess with a message start event', () => {
    function withEventSubprocess(id: string, name: string, type: string, interrupting: boolean, sideType: string): string {
      return eventDocument(
        processBuilder(id)
          .start()
          .serviceTask('work', { type })
          .end()
          .chain('start', 'work', 'end')
          .raw(
            eventSubprocess(
              'onMessage',
              processBuilder('inner')
                .raw(startEvent('msgStart', messageDefinition('msg'), interrupting))
                .serviceTask('side', { type: sideType })
                .end('sideEnd')
                .flow('msgStart', 'side', undefined, 'espFlow1')
                .flow('side', 'sideEnd', undefined, 'espFlow2')
                .body(),
            ),
          ),
        message('msg', name, '=orderId'),
      );
    }

    it('should terminate the other children when an interrupting message event subprocess starts', async () => {
      // given
      const id = unique('msg-esp');
      const name = unique('order.abort');
      const type = unique('work');
      const side = unique('side');
      await deploy(h, withEventSubprocess(id, name, type, true, side));
      const pik = await start(id, { orderId: 'o-1' });
      // when
      await publish(name, 'o-1', { abortedBy: 'ops' });
      // then
      const sideJob = await activateOne(h, side);
      expect(sideJob.variables).toEqual({ orderId: 'o-1', abortedBy: 'ops' });
      expect(await activateNow(h, type)).toEqual([]);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['work', 'onMessage', 'msgStart'])).toEqual([
        'work:ACTIVATING',
        'work:ACTIVATED',
        'work:TERMINATING',
        'work:TERMINATED',
        'onMessage:ACTIVATING',
        'onMessage:ACTIVATED',
        'msgStart:ACTIVATING',
        'msgStart:ACTIVATED',
        'msgStart:COMPLETING',
        'msgStart:COMPLETED',
      ]);
      expect(intents(rows.filter((r) => r.valueType === 'JOB' && r.value.type === type))).toEqual(['CREATED', 'CANCELED']);
      // and the process completes with the event subprocess
      await h.zeebe.completeJob({ jobKey: sideJob.key, variables: {} });
      await waitForInstanceEnd(h.db, pik);
      expect(lifecycle(await instanceRecords(h.db, pik), [id]).pop()).toBe(`${id}:COMPLETED`);
    });

    it('should run a non-interrupting message event subprocess alongside the other children', async () => {
      // given
      const id = unique('msg-esp-ni');
      const name = unique('order.note');
      const type = unique('work');
      const side = unique('side');
      await deploy(h, withEventSubprocess(id, name, type, false, side));
      const pik = await start(id, { orderId: 'o-1' });
      // when
      await publish(name, 'o-1', { note: 'a' });
      await publish(name, 'o-1', { note: 'b' });
      // then
      const sideJobs = await activate(h, side, { maxJobsToActivate: 5 });
      expect(sideJobs).toHaveLength(2);
      expect(await isWaitingAt(h.db, pik, 'work')).toBe(true);
      await h.zeebe.completeJob({ jobKey: (await activateOne(h, type)).key, variables: {} });
      for (const job of sideJobs) await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['work'])).toEqual(['work:ACTIVATING', 'work:ACTIVATED', 'work:COMPLETING', 'work:COMPLETED']);
      expect(lifecycle(rows, ['onMessage']).filter((s) => s.endsWith('COMPLETED'))).toHaveLength(2);
      expect(lifecycle(rows, [id]).pop()).toBe(`${id}:COMPLETED`);
    });
  });

  describe('message start event', () => {
    /** A message start event → a service task of `type` → end. */
    function messageStarted(id: string, name: string, type: string): string {
      return eventDocument(
        processBuilder(id).raw(startEvent('msgStart', messageDefinition('msg'))).serviceTask('task', { type }).end().chain('msgStart', 'task', 'end'),
        message('msg', name),
      );
    }

    const startSubscriptionRecords = (bpmnProcessId: string) => recordsWhere(h.db, 'MESSAGE_START_EVENT_SUBSCRIPTION', 'bpmnProcessId', bpmnProcessId);

    it('should create an instance for each message, with the message variables', async () => {
      // given
      const id = unique('msg-start');
      const name = unique('customer.registered');
      const type = unique('welcome');
      await deploy(h, messageStarted(id, name, type));
      // when
      const first = await publish(name, 'c-1', { customerId: 'c-1' });
      await publish(name, 'c-2', { customerId: 'c-2' });
      // then
      const instances = await waitForInstances(h.db, id, 2);
      expect(instances).toHaveLength(2);
      const jobs = await activate(h, type, { maxJobsToActivate: 5 });
      expect(jobs.map((j) => j.variables).sort((a, b) => a.customerId.localeCompare(b.customerId))).toEqual([{ customerId: 'c-1' }, { customerId: 'c-2' }]);
      const subscriptions = await startSubscriptionRecords(id);
      expect(intents(subscriptions)).toEqual(['CREATED', 'CORRELATED', 'CORRELATED']);
      expect(subscriptions[1].value).toMatchObject({ messageName: name, messageKey: Number(first.key), correlationKey: 'c-1', startEventId: 'msgStart' });
      expect(String(subscriptions[1].value.processInstanceKey)).toBe(instances[0]);
      const rows = await instanceRecords(h.db, instances[0]);
      expect(lifecycle(rows, ['msgStart'])).toEqual(['msgStart:ACTIVATING', 'msgStart:ACTIVATED', 'msgStart:COMPLETING', 'msgStart:COMPLETED']);
      // a start event has no message side (MESSAGE_SUBSCRIPTION) in Zeebe
      expect(await recordsWhere(h.db, 'MESSAGE_SUBSCRIPTION', 'bpmnProcessId', id)).toEqual([]);
    });

    it('should start no second instance for a correlation key while the first is active, and start it from the buffer when the first ends', async () => {
      // given
      const id = unique('msg-start-key');
      const name = unique('customer.updated');
      const type = unique('update');
      await deploy(h, messageStarted(id, name, type));
      await publish(name, 'c-1', { n: 1 }, MINUTE);
      const [first] = await waitForInstances(h.db, id, 1);
      // when: two more messages for the same key while the first instance is active
      await publish(name, 'c-1', { n: 2 }, MINUTE);
      await publish(name, 'c-1', { n: 3 }, 0);
      await settle(h);
      // then
      expect(await instancesOf(h.db, id)).toEqual([first]);
      // when the first instance ends
      const job = await activateOne(h, type);
      expect(job.variables).toEqual({ n: 1 });
      await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      // then the buffered message (not the dropped one) starts the next instance
      const instances = await waitForInstances(h.db, id, 2);
      const next = await activateOne(h, type);
      expect(next.processInstanceKey).toBe(instances[1]);
      expect(next.variables).toEqual({ n: 2 });
      await h.zeebe.completeJob({ jobKey: next.key, variables: {} });
      await waitForInstanceEnd(h.db, instances[1]);
      await settle(h);
      expect(await instancesOf(h.db, id)).toHaveLength(2);
    });

    it('should start the next instance for a correlation key from the buffer when the first one is canceled', async () => {
      // given
      const id = unique('msg-start-cancel');
      const name = unique('customer.changed');
      const type = unique('change');
      await deploy(h, messageStarted(id, name, type));
      await publish(name, 'c-1', { n: 1 }, MINUTE);
      const [first] = await waitForInstances(h.db, id, 1);
      await publish(name, 'c-1', { n: 2 }, MINUTE);
      // when
      await h.zeebe.cancelProcessInstance(first);
      // then
      const instances = await waitForInstances(h.db, id, 2);
      const jobs = await activate(h, type, { maxJobsToActivate: 5 });
      expect(jobs.map((j) => [j.processInstanceKey, j.variables.n])).toEqual([[instances[1], 2]]);
    });

    it('should not start an instance from a message published before the process was deployed', async () => {
      // given
      const id = unique('msg-start-late');
      const name = unique('customer.early');
      const type = unique('early');
      await publish(name, 'c-1', { n: 1 }, MINUTE);
      // when
      await deploy(h, messageStarted(id, name, type));
      await settle(h);
      // then
      expect(await instancesOf(h.db, id)).toEqual([]);
    });

    it('should always start an instance for a message with an empty correlation key', async () => {
      // given
      const id = unique('msg-start-empty');
      const name = unique('campaign.started');
      const type = unique('campaign');
      await deploy(h, messageStarted(id, name, type));
      // when
      await publish(name, '', { n: 1 });
      await publish(name, '', { n: 2 });
      // then
      expect(await waitForInstances(h.db, id, 2)).toHaveLength(2);
      expect(await activate(h, type, { maxJobsToActivate: 5 })).toHaveLength(2);
    });

    it('should move the message start subscription to a newly deployed version', async () => {
      // given
      const id = unique('msg-start-version');
      const name = unique('lead.created');
      const v1Type = unique('v1');
      const v2Type = unique('v2');
      const v1 = await deploy(h, messageStarted(id, name, v1Type));
      const v2 = await deploy(h, messageStarted(id, name, v2Type));
      // when
      await publish(name, 'l-1', { lead: 'l-1' });
      // then
      const [pik] = await waitForInstances(h.db, id, 1);
      const [processRecord] = await instanceRecords(h.db, pik, { bpmnElementType: 'PROCESS' });
      expect(processRecord.value).toMatchObject({ version: 2, processDefinitionKey: Number(v2.processDefinitionKey) });
      expect(await activateNow(h, v1Type)).toEqual([]);
      expect((await activateOne(h, v2Type)).processInstanceKey).toBe(pik);
      const subscriptions = await startSubscriptionRecords(id);
      expect(subscriptions.map((r) => `${r.intent} ${r.value.processDefinitionKey}`)).toEqual([
        `CREATED ${v1.processDefinitionKey}`,
        `DELETED ${v1.processDefinitionKey}`,
        `CREATED ${v2.processDefinitionKey}`,
        `CORRELATED ${v2.processDefinitionKey}`,
      ]);
    });
  });

  it('should write MESSAGE records for a published and a correlated message', async () => {
    // given
    const id = unique('msg-records');
    const name = unique('order.recorded');
    await deploy(h, catchOnly(id, name));
    const pik = await start(id, { orderId: 'o-1' });
    // when
    const published = await publish(name, 'o-1', { a: 1 }, 5_000, 'id-1');
    clock.advance(5_001);
    await waitForRecords(h.db, { valueType: 'MESSAGE', intent: 'EXPIRED' }, 1, (r) => r.key === published.key);
    // then
    const messages = await records(h.db, { valueType: 'MESSAGE' }).then((rows) => rows.filter((r) => r.key === published.key));
    expect(intents(messages)).toEqual(['PUBLISHED', 'EXPIRED']);
    expect(messages[0].value).toMatchObject({ name, correlationKey: 'o-1', timeToLive: 5_000, messageId: 'id-1', variables: { a: 1 } });
    expect(intents(await subscriptionRecords(pik))).toEqual(['CREATED', 'CORRELATED']);
  });
});
