import { ManualClock, startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import {
  boundaryEvent,
  chain,
  definitions,
  endEvent,
  errorDefinition,
  errorEvent,
  eventSubProcess,
  flow,
  messageDefinition,
  messageEvent,
  process,
  serviceTask,
  startEvent,
  subProcess,
  timerDuration,
} from '../helpers/bpmn-xml';
import { activateNow, activateOne, completeOne, deploy, unique, type Vars } from '../helpers/jobs';
import { waitForRecords } from '../helpers/instances';
import { instanceRecords, lifecycle, waitForInstanceEnd, waitForRecord, type RecordRow } from '../helpers/records';

const HOUR = 3_600_000;
const FULL = (id: string) => [`${id}:ACTIVATING`, `${id}:ACTIVATED`, `${id}:COMPLETING`, `${id}:COMPLETED`];

/**
 * Event subprocesses through the Zeebe client: started by a message, a timer (on a manual
 * clock) or an error, interrupting their scope or running beside it, in the process or inside
 * an embedded subprocess.
 */
describe('event subprocesses through the Zeebe client', () => {
  let h: EngineHarness;
  const clock = new ManualClock(Date.parse('2026-03-02T08:00:00Z'));
  beforeAll(async () => {
    h = await startEngineHarness({ clock });
  });
  afterAll(async () => {
    await h.close();
  });

  async function start(bpmnProcessId: string, variables: Vars = {}): Promise<string> {
    return (await h.zeebe.createProcessInstance({ bpmnProcessId, variables })).processInstanceKey;
  }

  async function publish(name: string, correlationKey: string, variables: Vars = {}) {
    await h.zeebe.publishMessage({ name, correlationKey, variables, timeToLive: 0 });
  }

  const jobStory = (rows: RecordRow[], elementId: string) =>
    rows.filter((r) => r.valueType === 'JOB' && r.elementId === elementId).map((r) => r.intent);

  /** start → main (job) → end, and an event subprocess `esp` started by `startDefinition` running `handler` (job). */
  function mainWithEventSubprocess(
    id: string,
    types: { main: string; handler: string },
    startDefinition: string,
    interrupting: boolean,
    roots: string[] = [],
  ): string {
    return definitions(
      ...roots,
      process(
        id,
        startEvent(),
        serviceTask('main', types.main),
        endEvent(),
        chain('start', 'main', 'end'),
        eventSubProcess('esp', { id: 'espStart', definition: startDefinition, interrupting }, [
          serviceTask('handler', types.handler),
          endEvent('espEnd'),
          chain('espStart', 'handler', 'espEnd'),
        ]),
      ),
    );
  }
  const typesOf = () => ({ main: unique('main'), handler: unique('handler') });
  const messageRoot = (name: string) => messageDefinition('msg', name, '=orderId');

  describe('started by a message', () => {
    it('should terminate the main flow when an interrupting message event subprocess starts', async () => {
      // given
      const id = unique('esp-msg-int');
      const name = unique('cancel');
      const types = typesOf();
      await deploy(h, mainWithEventSubprocess(id, types, messageEvent('msg'), true, [messageRoot(name)]));
      const pik = await start(id, { orderId: 'o-1' });
      await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'PROCESS_MESSAGE_SUBSCRIPTION', intent: 'CREATED' });
      // when
      await publish(name, 'o-1', { reason: 'customer' });
      // then
      const handler = await activateOne(h, types.handler);
      expect(handler.variables).toMatchObject({ orderId: 'o-1', reason: 'customer' });
      expect(await activateNow(h, types.main)).toEqual([]);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['main', 'esp', 'espStart'])).toEqual([
        'main:ACTIVATING',
        'main:ACTIVATED',
        'main:TERMINATING',
        'main:TERMINATED',
        'esp:ACTIVATING',
        'esp:ACTIVATED',
        ...FULL('espStart'),
      ]);
      expect(jobStory(rows, 'main')).toEqual(['CREATED', 'CANCELED']);
      expect(rows.filter((r) => r.valueType === 'PROCESS_MESSAGE_SUBSCRIPTION').map((r) => r.intent)).toEqual(['CREATED', 'CORRELATED']);
    });

    it('should complete the interrupted process only once its interrupting event subprocess completed', async () => {
      // given
      const id = unique('esp-msg-int-complete');
      const name = unique('cancel');
      const types = typesOf();
      await deploy(h, mainWithEventSubprocess(id, types, messageEvent('msg'), true, [messageRoot(name)]));
      const pik = await start(id, { orderId: 'o-2' });
      await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'PROCESS_MESSAGE_SUBSCRIPTION', intent: 'CREATED' });
      await publish(name, 'o-2');
      const handler = await activateOne(h, types.handler);
      expect(lifecycle(await instanceRecords(h.db, pik), [id])).toEqual([`${id}:ACTIVATING`, `${id}:ACTIVATED`]);
      // when
      await h.zeebe.completeJob({ jobKey: handler.key, variables: {} });
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['handler', 'espEnd', 'esp', id]).slice(-10)).toEqual([
        'handler:COMPLETING',
        'handler:COMPLETED',
        ...FULL('espEnd'),
        'esp:COMPLETING',
        'esp:COMPLETED',
        `${id}:COMPLETING`,
        `${id}:COMPLETED`,
      ]);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });

    it('should run a non-interrupting message event subprocess beside the main flow and complete the process when both are done', async () => {
      // given
      const id = unique('esp-msg-non-int');
      const name = unique('note');
      const types = typesOf();
      await deploy(h, mainWithEventSubprocess(id, types, messageEvent('msg'), false, [messageRoot(name)]));
      const pik = await start(id, { orderId: 'o-3' });
      await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'PROCESS_MESSAGE_SUBSCRIPTION', intent: 'CREATED' });
      // when
      await publish(name, 'o-3');
      // then
      const handler = await activateOne(h, types.handler);
      await completeOne(h, types.main);
      expect(lifecycle(await instanceRecords(h.db, pik), [id])).toEqual([`${id}:ACTIVATING`, `${id}:ACTIVATED`]);
      await h.zeebe.completeJob({ jobKey: handler.key, variables: {} });
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['main'])).toEqual(FULL('main'));
      expect(lifecycle(rows, ['esp'])).toEqual(FULL('esp'));
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });

    it('should start a non-interrupting message event subprocess once per correlated message', async () => {
      // given
      const id = unique('esp-msg-twice');
      const name = unique('note');
      const types = typesOf();
      await deploy(h, mainWithEventSubprocess(id, types, messageEvent('msg'), false, [messageRoot(name)]));
      const pik = await start(id, { orderId: 'o-4' });
      await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'PROCESS_MESSAGE_SUBSCRIPTION', intent: 'CREATED' });
      // when
      await publish(name, 'o-4');
      await publish(name, 'o-4');
      // then
      const handlers = await waitForRecords(h.db, { processInstanceKey: pik, elementId: 'esp', intent: 'ELEMENT_ACTIVATED' }, 2);
      expect(handlers).toHaveLength(2);
      expect((await activateNow(h, types.handler)).length).toBe(2);
      expect(lifecycle(await instanceRecords(h.db, pik), ['main'])).toEqual(['main:ACTIVATING', 'main:ACTIVATED']);
    });
  });

  describe('started by a timer', () => {
    it('should interrupt the main flow when the timer of an interrupting event subprocess falls due', async () => {
      // given
      const id = unique('esp-timer-int');
      const types = typesOf();
      await deploy(h, mainWithEventSubprocess(id, types, timerDuration('PT1H'), true));
      const pik = await start(id);
      const timer = await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'TIMER', intent: 'CREATED' });
      expect(timer.value).toMatchObject({ targetElementId: 'espStart', dueDate: clock.now() + HOUR });
      // when
      clock.advance(HOUR);
      // then
      await waitForRecord(h.db, { processInstanceKey: pik, elementId: 'esp', intent: 'ELEMENT_ACTIVATED' });
      await completeOne(h, types.handler);
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['main'])).toEqual(['main:ACTIVATING', 'main:ACTIVATED', 'main:TERMINATING', 'main:TERMINATED']);
      expect(jobStory(rows, 'main')).toEqual(['CREATED', 'CANCELED']);
      expect(rows.filter((r) => r.valueType === 'TIMER').map((r) => r.intent)).toEqual(['CREATED', 'TRIGGERED']);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });

    it('should run a non-interrupting timer event subprocess beside the main flow', async () => {
      // given
      const id = unique('esp-timer-non-int');
      const types = typesOf();
      await deploy(h, mainWithEventSubprocess(id, types, timerDuration('PT1H'), false));
      const pik = await start(id);
      await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'TIMER', intent: 'CREATED' });
      // when
      clock.advance(HOUR);
      // then
      await waitForRecord(h.db, { processInstanceKey: pik, elementId: 'esp', intent: 'ELEMENT_ACTIVATED' });
      await completeOne(h, types.handler);
      await completeOne(h, types.main);
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['main'])).toEqual(FULL('main'));
      expect(lifecycle(rows, ['esp'])).toEqual(FULL('esp'));
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });
    it('should start a non-interrupting timer cycle event subprocess once per repetition', async () => {
      // given
      const id = unique('esp-timer-cycle');
      const types = typesOf();
      await deploy(
        h,
        mainWithEventSubprocess(id, types, '<bpmn:timerEventDefinition><bpmn:timeCycle>R2/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition>', false),
      );
      const pik = await start(id);
      await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'TIMER', intent: 'CREATED' });
      // when
      clock.advance(HOUR);
      await waitForRecords(h.db, { processInstanceKey: pik, elementId: 'esp', intent: 'ELEMENT_ACTIVATED' }, 1);
      clock.advance(HOUR);
      await waitForRecords(h.db, { processInstanceKey: pik, elementId: 'esp', intent: 'ELEMENT_ACTIVATED' }, 2);
      clock.advance(HOUR);
      // then
      await completeOne(h, types.main);
      for (const job of await activateNow(h, types.handler)) await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(rows.filter((r) => r.valueType === 'TIMER').map((r) => r.intent)).toEqual(['CREATED', 'TRIGGERED', 'CREATED', 'TRIGGERED']);
      expect(rows.filter((r) => r.elementId === 'esp' && r.intent === 'ELEMENT_COMPLETED')).toHaveLength(2);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });

    it('should terminate a running non-interrupting event subprocess when an interrupting one starts', async () => {
      // given
      const id = unique('esp-interrupt-other');
      const name = unique('note');
      const types = { main: unique('main'), note: unique('note-handler'), timeout: unique('timeout-handler') };
      await deploy(
        h,
        definitions(
          messageRoot(name),
          process(
            id,
            startEvent(),
            serviceTask('main', types.main),
            endEvent(),
            chain('start', 'main', 'end'),
            eventSubProcess('onNote', { id: 'noteStart', definition: messageEvent('msg'), interrupting: false }, [serviceTask('noteHandler', types.note), endEvent('noteEnd'), chain('noteStart', 'noteHandler', 'noteEnd')]),
            eventSubProcess('onTimeout', { id: 'timeoutStart', definition: timerDuration('PT1H') }, [serviceTask('timeoutHandler', types.timeout), endEvent('timeoutEnd'), chain('timeoutStart', 'timeoutHandler', 'timeoutEnd')]),
          ),
        ),
      );
      const pik = await start(id, { orderId: 'o-8' });
      await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'PROCESS_MESSAGE_SUBSCRIPTION', intent: 'CREATED' });
      await publish(name, 'o-8');
      await waitForRecord(h.db, { processInstanceKey: pik, elementId: 'noteHandler', intent: 'ELEMENT_ACTIVATED' });
      // when
      clock.advance(HOUR);
      // then
      await completeOne(h, types.timeout);
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['onNote'])).toEqual(['onNote:ACTIVATING', 'onNote:ACTIVATED', 'onNote:TERMINATING', 'onNote:TERMINATED']);
      expect(jobStory(rows, 'noteHandler')).toEqual(['CREATED', 'CANCELED']);
      expect(jobStory(rows, 'main')).toEqual(['CREATED', 'CANCELED']);
      expect(lifecycle(rows, ['onTimeout'])).toEqual(FULL('onTimeout'));
      expect(await activateNow(h, types.note)).toEqual([]);
    });
  });

  describe('started by an error', () => {
    it('should start an interrupting error event subprocess when an error end event is reached', async () => {
      // given
      const id = unique('esp-error');
      const types = typesOf();
      await deploy(
        h,
        definitions(
          errorDefinition('err', 'REJECTED'),
          process(
            id,
            startEvent(),
            serviceTask('main', types.main),
            endEvent('fail', errorEvent('err')),
            chain('start', 'main', 'fail'),
            eventSubProcess('esp', { id: 'espStart', definition: errorEvent('err') }, [serviceTask('handler', types.handler), endEvent('espEnd'), chain('espStart', 'handler', 'espEnd')]),
          ),
        ),
      );
      const pik = await start(id);
      // when
      await completeOne(h, types.main);
      // then
      await completeOne(h, types.handler);
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['fail', 'esp'])).toEqual([
        'fail:ACTIVATING',
        'fail:ACTIVATED',
        'fail:TERMINATING',
        'fail:TERMINATED',
        ...FULL('esp'),
      ]);
      expect(rows.filter((r) => r.valueType === 'INCIDENT')).toEqual([]);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });
  });

  describe('scope completion', () => {
    it('should complete the process when its normal flow ends and close the subscriptions of its event subprocesses', async () => {
      // given
      const id = unique('esp-close');
      const name = unique('late');
      const types = typesOf();
      const handlerType = unique('timer-handler');
      await deploy(
        h,
        definitions(
          messageRoot(name),
          process(
            id,
            startEvent(),
            serviceTask('main', types.main),
            endEvent(),
            chain('start', 'main', 'end'),
            eventSubProcess('onMessage', { id: 'msgStart', definition: messageEvent('msg'), interrupting: false }, [serviceTask('handler', types.handler), endEvent('msgEnd'), chain('msgStart', 'handler', 'msgEnd')]),
            eventSubProcess('onTimer', { id: 'timerStart', definition: timerDuration('PT1H') }, [serviceTask('timerHandler', handlerType), endEvent('timerEnd'), chain('timerStart', 'timerHandler', 'timerEnd')]),
          ),
        ),
      );
      const pik = await start(id, { orderId: 'o-5' });
      // when
      await completeOne(h, types.main);
      // then
      await waitForInstanceEnd(h.db, pik);
      clock.advance(2 * HOUR);
      await publish(name, 'o-5');
      const rows = await instanceRecords(h.db, pik);
      const completed = rows.find((r) => r.elementId === id && r.intent === 'ELEMENT_COMPLETED')!;
      const subscriptions = rows.filter((r) => r.valueType === 'PROCESS_MESSAGE_SUBSCRIPTION' || r.valueType === 'TIMER');
      expect(subscriptions.map((r) => `${r.valueType} ${r.intent}`)).toEqual([
        'PROCESS_MESSAGE_SUBSCRIPTION CREATED',
        'TIMER CREATED',
        'PROCESS_MESSAGE_SUBSCRIPTION DELETED',
        'TIMER CANCELED',
      ]);
      expect(subscriptions.every((r) => r.position < completed.position)).toBe(true);
      expect(lifecycle(rows, ['onMessage', 'onTimer'])).toEqual([]);
      expect(await activateNow(h, types.handler)).toEqual([]);
      expect(await activateNow(h, handlerType)).toEqual([]);
    });
  });

  describe('inside an embedded subprocess', () => {
    /** start → sp [spStart → inner (job) → spEnd, esp started by message] → after (job) → end. */
    function subprocessWithEventSubprocess(id: string, types: { inner: string; handler: string; after: string }, name: string, boundary = ''): string {
      return definitions(
        messageRoot(name),
        process(
          id,
          startEvent(),
          subProcess('sp', [
            startEvent('spStart'),
            serviceTask('inner', types.inner),
            endEvent('spEnd'),
            chain('spStart', 'inner', 'spEnd'),
            eventSubProcess('esp', { id: 'espStart', definition: messageEvent('msg') }, [serviceTask('handler', types.handler), endEvent('espEnd'), chain('espStart', 'handler', 'espEnd')]),
          ]),
          serviceTask('after', types.after),
          endEvent(),
          chain('start', 'sp', 'after', 'end'),
          boundary,
        ),
      );
    }
    const subTypes = () => ({ inner: unique('inner'), handler: unique('handler'), after: unique('after') });

    it('should interrupt only the subprocess, complete it after its event subprocess and continue after it', async () => {
      // given
      const id = unique('esp-nested');
      const name = unique('stop');
      const types = subTypes();
      await deploy(h, subprocessWithEventSubprocess(id, types, name));
      const pik = await start(id, { orderId: 'o-6' });
      await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'PROCESS_MESSAGE_SUBSCRIPTION', intent: 'CREATED' });
      // when
      await publish(name, 'o-6');
      // then
      await completeOne(h, types.handler);
      await completeOne(h, types.after);
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['sp', 'inner', 'esp', 'after'])).toEqual([
        'sp:ACTIVATING',
        'sp:ACTIVATED',
        'inner:ACTIVATING',
        'inner:ACTIVATED',
        'inner:TERMINATING',
        'inner:TERMINATED',
        ...FULL('esp'),
        'sp:COMPLETING',
        'sp:COMPLETED',
        ...FULL('after'),
      ]);
      const espActivating = rows.find((r) => r.elementId === 'esp' && r.intent === 'ELEMENT_ACTIVATING')!;
      const spKey = rows.find((r) => r.elementId === 'sp' && r.intent === 'ELEMENT_ACTIVATING')!.key;
      expect(espActivating.value.flowScopeKey).toBe(Number(spKey));
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });

    it('should keep the boundary events of a subprocess waiting after an interrupting event subprocess inside it started', async () => {
      // given: a one-hour timer on the subprocess, and its inner event subprocess already running
      const id = unique('esp-nested-boundary');
      const name = unique('stop');
      const types = subTypes();
      await deploy(
        h,
        subprocessWithEventSubprocess(
          id,
          types,
          name,
          [boundaryEvent('timeout', 'sp', timerDuration('PT1H')), endEvent('timedOut'), flow('timeout', 'timedOut')].join('\n'),
        ),
      );
      const pik = await start(id, { orderId: 'o-7' });
      await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'PROCESS_MESSAGE_SUBSCRIPTION', intent: 'CREATED' });
      await publish(name, 'o-7');
      await waitForRecord(h.db, { processInstanceKey: pik, elementId: 'esp', intent: 'ELEMENT_ACTIVATED' });
      const timers = (await instanceRecords(h.db, pik, { valueType: 'TIMER' })).map((r) => `${r.intent} ${r.elementId}`);
      expect(timers).toEqual(['CREATED timeout']);
      // when
      clock.advance(HOUR);
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(rows.filter((r) => r.valueType === 'TIMER').map((r) => r.intent)).toEqual(['CREATED', 'TRIGGERED']);
      expect(lifecycle(rows, ['sp', 'esp', 'handler', 'timeout']).slice(-10)).toEqual([
        'sp:TERMINATING',
        'esp:TERMINATING',
        'handler:TERMINATING',
        'handler:TERMINATED',
        'esp:TERMINATED',
        'sp:TERMINATED',
        ...FULL('timeout'),
      ]);
      expect(await activateNow(h, types.handler)).toEqual([]);
    });
  });
});
