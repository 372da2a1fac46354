import { ManualClock, startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import {
  boundaryEvent,
  catchEvent,
  chain,
  definitions,
  endEvent,
  eventBasedGateway,
  executionListeners,
  flow,
  linkEvent,
  messageDefinition,
  messageEvent,
  process,
  serviceTask,
  startEvent,
  subProcess,
  throwEvent,
  timerDuration,
} from '../helpers/bpmn-xml';
import { activateNow, activateOne, completeOne, deploy, grpcError, unique, type Vars } from '../helpers/jobs';
import { describeRecords, elementInstanceKey, instanceRecords, lifecycle, waitForInstanceEnd, waitForRecord, type RecordRow } from '../helpers/records';

const MINUTE = 60_000;
const FULL = (id: string) => [`${id}:ACTIVATING`, `${id}:ACTIVATED`, `${id}:COMPLETING`, `${id}:COMPLETED`];

/**
 * Link events (a jump to the catch event of the same name in the same scope) and execution
 * listeners on catch events, event-based gateways and boundary events, through the Zeebe client.
 */
describe('link events and execution listeners on events through the Zeebe client', () => {
  let h: EngineHarness;
  const clock = new ManualClock(Date.parse('2026-07-06T12:00:00Z'));
  beforeAll(async () => {
    h = await startEngineHarness({ clock });
  });
  afterAll(async () => {
    await h.close();
  });

  async function start(bpmnProcessId: string, variables: Vars = {}): Promise<string> {
    return (await h.zeebe.createProcessInstance({ bpmnProcessId, variables })).processInstanceKey;
  }

  /** PROCESS_INSTANCE records of `elementIds`, JOB records and subscription/timer records, in order. */
  const story = (rows: RecordRow[], elementIds: string[]) =>
    describeRecords(
      rows.filter(
        (r) =>
          r.valueType === 'JOB' ||
          r.valueType === 'PROCESS_MESSAGE_SUBSCRIPTION' ||
          r.valueType === 'TIMER' ||
          (r.valueType === 'PROCESS_INSTANCE' && elementIds.includes(r.elementId ?? '')),
      ),
    );

  describe('link events', () => {
    it('should continue at the link catch event with the same name', async () => {
      // given
      const id = unique('link');
      const afterType = unique('after');
      await deploy(
        h,
        definitions(
          process(
            id,
            startEvent(),
            throwEvent('goToB', linkEvent('B')),
            flow('start', 'goToB'),
            catchEvent('fromA', linkEvent('A')),
            endEvent('wrongEnd'),
            flow('fromA', 'wrongEnd'),
            catchEvent('fromB', linkEvent('B')),
            serviceTask('after', afterType),
            endEvent(),
            chain('fromB', 'after', 'end'),
          ),
        ),
      );
      const pik = await start(id);
      // when
      await completeOne(h, afterType);
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['goToB', 'fromA', 'fromB', 'after', 'wrongEnd'])).toEqual([...FULL('goToB'), ...FULL('fromB'), ...FULL('after')]);
      const thrown = rows.findIndex((r) => r.elementId === 'goToB' && r.intent === 'ELEMENT_COMPLETED');
      expect(rows[thrown + 1]).toMatchObject({ elementId: 'fromB', intent: 'ELEMENT_ACTIVATING', bpmnElementType: 'INTERMEDIATE_CATCH_EVENT' });
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });

    it('should jump to the link catch event of its own scope when an outer scope has one with the same name', async () => {
      // given
      const id = unique('link-scope');
      await deploy(
        h,
        definitions(
          process(
            id,
            startEvent(),
            subProcess('sp', [
              startEvent('spStart'),
              throwEvent('innerThrow', linkEvent('next')),
              flow('spStart', 'innerThrow'),
              catchEvent('innerCatch', linkEvent('next')),
              endEvent('spEnd'),
              flow('innerCatch', 'spEnd'),
            ]),
            endEvent(),
            chain('start', 'sp', 'end'),
            catchEvent('outerCatch', linkEvent('next')),
            endEvent('outerEnd'),
            flow('outerCatch', 'outerEnd'),
          ),
        ),
      );
      // when
      const pik = await start(id);
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['innerCatch', 'outerCatch'])).toEqual(FULL('innerCatch'));
      expect(rows.find((r) => r.elementId === 'innerCatch')!.value.flowScopeKey).toBe(Number(await elementInstanceKey(h.db, pik, 'sp')));
    });
  });

  describe('execution listeners on a message catch event', () => {
    it('should run the start listener before subscribing and the end listener after the message was correlated', async () => {
      // given
      const id = unique('el-message');
      const name = unique('paid');
      const types = { start: unique('el-start'), end: unique('el-end') };
      await deploy(
        h,
        definitions(
          messageDefinition('msg', name, '=orderId'),
          process(
            id,
            startEvent(),
            catchEvent('wait', messageEvent('msg'), { extensions: executionListeners({ eventType: 'start', type: types.start }, { eventType: 'end', type: types.end }) }),
            endEvent(),
            chain('start', 'wait', 'end'),
          ),
        ),
      );
      const pik = await start(id);
      // when: the start listener provides the correlation key
      const startListener = await activateOne(h, types.start);
      await h.zeebe.completeJob({ jobKey: startListener.key, variables: { orderId: 'o-42' } });
      await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'PROCESS_MESSAGE_SUBSCRIPTION', intent: 'CREATED' });
      await h.zeebe.publishMessage({ name, correlationKey: 'o-42', variables: { amount: 10 }, timeToLive: 0 });
      // then
      const endListener = await activateOne(h, types.end);
      expect(endListener.variables).toMatchObject({ orderId: 'o-42', amount: 10 });
      await h.zeebe.completeJob({ jobKey: endListener.key, variables: {} });
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      const waitKey = await elementInstanceKey(h.db, pik, 'wait');
      for (const listener of [startListener, endListener]) {
        expect(listener).toMatchObject({ elementId: 'wait', elementInstanceKey: waitKey, processInstanceKey: pik, bpmnProcessId: id });
      }
      expect(story(rows, ['wait'])).toEqual([
        'PROCESS_INSTANCE ELEMENT_ACTIVATING wait',
        'JOB CREATED wait',
        'JOB COMPLETED wait',
        'PROCESS_MESSAGE_SUBSCRIPTION CREATED wait',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED wait',
        'PROCESS_MESSAGE_SUBSCRIPTION CORRELATED wait',
        'PROCESS_INSTANCE ELEMENT_COMPLETING wait',
        'JOB CREATED wait',
        'JOB COMPLETED wait',
        'PROCESS_INSTANCE ELEMENT_COMPLETED wait',
      ]);
      const listenerJobs = rows.filter((r) => r.valueType === 'JOB' && r.intent === 'CREATED');
      expect(listenerJobs.map((r) => [r.value.jobKind, r.value.jobListenerEventType, r.value.type])).toEqual([
        ['EXECUTION_LISTENER', 'START', types.start],
        ['EXECUTION_LISTENER', 'END', types.end],
      ]);
    });
    it('should reject ThrowError from an execution listener job with FAILED_PRECONDITION', async () => {
      // given
      const id = unique('el-throw');
      const name = unique('paid');
      const startType = unique('el-start');
      await deploy(
        h,
        definitions(
          messageDefinition('msg', name, '=orderId'),
          process(id, startEvent(), catchEvent('wait', messageEvent('msg'), { extensions: executionListeners({ eventType: 'start', type: startType }) }), endEvent(), chain('start', 'wait', 'end')),
        ),
      );
      const pik = await start(id);
      const listener = await activateOne(h, startType);
      // when
      const error = await grpcError(() => h.zeebe.throwError({ jobKey: listener.key, errorCode: 'CODE', errorMessage: '' }));
      // then
      expect(error.code).toBe(9);
      expect(error.details).toBe(
        `Command 'THROW_ERROR' rejected with code 'INVALID_STATE': Cannot throw BPMN error from EXECUTION_LISTENER job with key '${listener.key}', type '${startType}' and processInstanceKey '${pik}'`,
      );
    });
  });

  describe('execution listeners on a timer catch event', () => {
    it('should run the start listener before the timer is scheduled and the end listener after it fired', async () => {
      // given
      const id = unique('el-timer');
      const types = { start: unique('el-start'), end: unique('el-end') };
      await deploy(
        h,
        definitions(
          process(
            id,
            startEvent(),
            catchEvent('pause', timerDuration('=delay'), { extensions: executionListeners({ eventType: 'start', type: types.start }, { eventType: 'end', type: types.end }) }),
            endEvent(),
            chain('start', 'pause', 'end'),
          ),
        ),
      );
      const pik = await start(id);
      // when: the start listener provides the duration
      const startListener = await activateOne(h, types.start);
      await h.zeebe.completeJob({ jobKey: startListener.key, variables: { delay: 'PT10M' } });
      const timer = await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'TIMER', intent: 'CREATED' });
      expect(timer.value.dueDate).toBe(clock.now() + 10 * MINUTE);
      expect(await activateNow(h, types.end)).toEqual([]);
      clock.advance(10 * MINUTE);
      // then
      const endListener = await activateOne(h, types.end);
      await h.zeebe.completeJob({ jobKey: endListener.key, variables: {} });
      await waitForInstanceEnd(h.db, pik);
      for (const listener of [startListener, endListener]) expect(listener.elementId).toBe('pause');
      expect(story(await instanceRecords(h.db, pik), ['pause'])).toEqual([
        'PROCESS_INSTANCE ELEMENT_ACTIVATING pause',
        'JOB CREATED pause',
        'JOB COMPLETED pause',
        'TIMER CREATED pause',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED pause',
        'TIMER TRIGGERED pause',
        'PROCESS_INSTANCE ELEMENT_COMPLETING pause',
        'JOB CREATED pause',
        'JOB COMPLETED pause',
        'PROCESS_INSTANCE ELEMENT_COMPLETED pause',
      ]);
    });
  });

  describe('execution listeners on an event-based gateway', () => {
    function gatewayProcess(id: string, name: string, listeners: string): string {
      return definitions(
        messageDefinition('msg', name, '=orderId'),
        process(
          id,
          startEvent(),
          eventBasedGateway('choose', { extensions: listeners }),
          catchEvent('paid', messageEvent('msg')),
          catchEvent('tooLate', timerDuration('PT1H')),
          endEvent('paidEnd'),
          endEvent('lateEnd'),
          flow('start', 'choose'),
          chain('choose', 'paid', 'paidEnd'),
          chain('choose', 'tooLate', 'lateEnd'),
        ),
      );
    }

    it('should run the start listener before the gateway subscribes to its events', async () => {
      // given
      const id = unique('el-gateway');
      const name = unique('paid');
      const startType = unique('el-start');
      await deploy(h, gatewayProcess(id, name, executionListeners({ eventType: 'start', type: startType })));
      const pik = await start(id);
      // when: the start listener provides the correlation key
      const listener = await activateOne(h, startType);
      await h.zeebe.completeJob({ jobKey: listener.key, variables: { orderId: 'o-7' } });
      await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'PROCESS_MESSAGE_SUBSCRIPTION', intent: 'CREATED' });
      await h.zeebe.publishMessage({ name, correlationKey: 'o-7', variables: {}, timeToLive: 0 });
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(listener).toMatchObject({ elementId: 'choose', elementInstanceKey: await elementInstanceKey(h.db, pik, 'choose') });
      expect(story(rows, ['choose']).filter((s) => s !== 'TIMER CANCELED tooLate')).toEqual([
        'PROCESS_INSTANCE ELEMENT_ACTIVATING choose',
        'JOB CREATED choose',
        'JOB COMPLETED choose',
        'PROCESS_MESSAGE_SUBSCRIPTION CREATED paid',
        'TIMER CREATED tooLate',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED choose',
        'PROCESS_MESSAGE_SUBSCRIPTION CORRELATED paid',
        'PROCESS_INSTANCE ELEMENT_COMPLETING choose',
        'PROCESS_INSTANCE ELEMENT_COMPLETED choose',
      ]);
      expect(rows.filter((r) => r.valueType === 'TIMER').map((r) => r.intent)).toEqual(['CREATED', 'CANCELED']);
      expect(lifecycle(rows, ['paid', 'tooLate'])).toEqual(FULL('paid'));
    });

    it('should reject an end listener on an event-based gateway at deployment', async () => {
      // given
      const id = unique('el-gateway-end');
      const xml = gatewayProcess(id, unique('paid'), executionListeners({ eventType: 'end', type: unique('never') }));
      // when
      const error = await grpcError(() => h.zeebe.deployResource({ process: Buffer.from(xml), name: 'gateway-end.bpmn' }));
      // then
      expect(error.code).toBe(3);
      expect(error.details).toContain('Element: choose');
      expect(error.details).toContain("Execution listeners of type 'end' are not supported by gateway element");
    });
  });

  describe('execution listeners on a boundary event path', () => {
    it('should run the end listener of a triggered boundary event, then the listeners of the element after it', async () => {
      // given
      const id = unique('el-boundary');
      const types = { work: unique('work'), boundaryEnd: unique('el-boundary-end'), start: unique('el-start'), escalate: unique('escalate') };
      await deploy(
        h,
        definitions(
          process(
            id,
            startEvent(),
            serviceTask('work', types.work),
            endEvent(),
            chain('start', 'work', 'end'),
            boundaryEvent('timeout', 'work', timerDuration('PT30M'), { extensions: executionListeners({ eventType: 'end', type: types.boundaryEnd }) }),
            serviceTask('escalate', types.escalate, { extensions: executionListeners({ eventType: 'start', type: types.start }) }),
            endEvent('escalated'),
            chain('timeout', 'escalate', 'escalated'),
          ),
        ),
      );
      const pik = await start(id);
      await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'TIMER', intent: 'CREATED' });
      // when
      clock.advance(30 * MINUTE);
      // then
      const boundaryListener = await activateOne(h, types.boundaryEnd);
      expect(boundaryListener).toMatchObject({ elementId: 'timeout', elementInstanceKey: await elementInstanceKey(h.db, pik, 'timeout') });
      expect(await activateNow(h, types.start)).toEqual([]);
      await h.zeebe.completeJob({ jobKey: boundaryListener.key, variables: { escalatedBy: 'timer' } });
      const startListener = await activateOne(h, types.start);
      expect(startListener).toMatchObject({ elementId: 'escalate', elementInstanceKey: await elementInstanceKey(h.db, pik, 'escalate') });
      expect(startListener.variables).toMatchObject({ escalatedBy: 'timer' });
      await h.zeebe.completeJob({ jobKey: startListener.key, variables: {} });
      await completeOne(h, types.escalate);
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(story(rows, ['work', 'timeout', 'escalate'])).toEqual([
        'PROCESS_INSTANCE ELEMENT_ACTIVATING work',
        'TIMER CREATED timeout',
        'JOB CREATED work',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED work',
        'TIMER TRIGGERED timeout',
        'PROCESS_INSTANCE ELEMENT_TERMINATING work',
        'JOB CANCELED work',
        'PROCESS_INSTANCE ELEMENT_TERMINATED work',
        'PROCESS_INSTANCE ELEMENT_ACTIVATING timeout',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED timeout',
        'PROCESS_INSTANCE ELEMENT_COMPLETING timeout',
        'JOB CREATED timeout',
        'JOB COMPLETED timeout',
        'PROCESS_INSTANCE ELEMENT_COMPLETED timeout',
        'PROCESS_INSTANCE ELEMENT_ACTIVATING escalate',
        'JOB CREATED escalate',
        'JOB COMPLETED escalate',
        'JOB CREATED escalate',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED escalate',
        'JOB COMPLETED escalate',
        'PROCESS_INSTANCE ELEMENT_COMPLETING escalate',
        'PROCESS_INSTANCE ELEMENT_COMPLETED escalate',
      ]);
    });

    it('should reject a start listener on a boundary event at deployment', async () => {
      // given
      const id = unique('el-boundary-start');
      const xml = definitions(
        process(
          id,
          startEvent(),
          serviceTask('work', unique('work')),
          endEvent(),
          chain('start', 'work', 'end'),
          boundaryEvent('timeout', 'work', timerDuration('PT30M'), { extensions: executionListeners({ eventType: 'start', type: unique('never') }) }),
          endEvent('timedOut'),
          flow('timeout', 'timedOut'),
        ),
      );
      // when
      const error = await grpcError(() => h.zeebe.deployResource({ process: Buffer.from(xml), name: 'boundary-start.bpmn' }));
      // then
      expect(error.code).toBe(3);
      expect(error.details).toContain('Element: timeout');
      expect(error.details).toContain("Execution listeners of type 'start' are not supported by boundary events");
    });
  });
});
