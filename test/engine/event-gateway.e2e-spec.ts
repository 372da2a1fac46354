import { processBuilder } from '../helpers/bpmn';
import { ManualClock, startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import { catchEvent, eventBasedGateway, eventDocument, message, messageDefinition, signal, signalDefinition, timerDefinition } from '../helpers/event-bpmn';
import { intents, isWaitingAt, settle } from '../helpers/event-records';
import { activateNow, activateOne, deploy, unique, type Vars } from '../helpers/jobs';
import { elementsWith, instanceRecords, lifecycle, waitForInstanceEnd } from '../helpers/records';

const HOUR = 3_600_000;

/**
 * The event-based gateway: it waits on the catch events after it; the first event to occur
 * picks the branch and the other subscriptions are closed.
 */
describe('event-based gateway', () => {
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

  async function advance(ms: number): Promise<void> {
    clock.advance(ms);
    await settle(h);
  }

  /**
   * start → gateway `g` → message catch `paid` (key `=orderId`) → task `afterPaid`
   *                     → timer catch `oneHour` (PT1H)           → task `afterTimeout`
   *                     → signal catch `cancelled` (if a signal name is given) → task `afterCancel`
   * and all branches end in their own end event.
   */
  function raceProcess(id: string, messageName: string, type: string, signalName?: string): string {
    const b = processBuilder(id)
      .start()
      .raw(eventBasedGateway('g'))
      .raw(catchEvent('paid', messageDefinition('msg')))
      .raw(catchEvent('oneHour', timerDefinition({ duration: 'PT1H' })))
      .serviceTask('afterPaid', { type: `${type}-paid` })
      .serviceTask('afterTimeout', { type: `${type}-timeout` })
      .end('endPaid')
      .end('endTimeout')
      .flow('start', 'g', undefined, 'toGateway')
      .flow('g', 'paid', undefined, 'toPaid')
      .flow('g', 'oneHour', undefined, 'toTimer')
      .chain('paid', 'afterPaid', 'endPaid')
      .chain('oneHour', 'afterTimeout', 'endTimeout');
    const roots = [message('msg', messageName, '=orderId')];
    if (signalName) {
      b.raw(catchEvent('cancelled', signalDefinition('sig')))
        .serviceTask('afterCancel', { type: `${type}-cancel` })
        .end('endCancel')
        .flow('g', 'cancelled', undefined, 'toSignal')
        .chain('cancelled', 'afterCancel', 'endCancel');
      roots.push(signal('sig', signalName));
    }
    return eventDocument(b, ...roots);
  }

  it('should take the message branch and cancel the timer when the message comes first', async () => {
    // given
    const id = unique('gw-message');
    const name = unique('order.paid');
    const type = unique('gw');
    await deploy(h, raceProcess(id, name, type));
    const pik = await start(id, { orderId: 'o-1' });
    // when
    await h.zeebe.publishMessage({ name, correlationKey: 'o-1', variables: { amount: 10 } });
    // then
    const job = await activateOne(h, `${type}-paid`);
    expect(job.processInstanceKey).toBe(pik);
    expect(job.variables).toEqual({ orderId: 'o-1', amount: 10 });
    const rows = await instanceRecords(h.db, pik);
    const timers = rows.filter((r) => r.valueType === 'TIMER');
    expect(intents(timers)).toEqual(['CREATED', 'CANCELED']);
    expect(timers[1].key).toBe(timers[0].key);
    expect(intents(rows.filter((r) => r.valueType === 'PROCESS_MESSAGE_SUBSCRIPTION'))).toEqual(['CREATED', 'CORRELATED']);
    expect(lifecycle(rows, ['g', 'paid', 'oneHour'])).toEqual([
      'g:ACTIVATING',
      'g:ACTIVATED',
      'g:COMPLETING',
      'g:COMPLETED',
      'paid:ACTIVATING',
      'paid:ACTIVATED',
      'paid:COMPLETING',
      'paid:COMPLETED',
    ]);
    expect(elementsWith(rows, 'SEQUENCE_FLOW_TAKEN')).toEqual(['toGateway', 'toPaid', 'flow_1']);
    // and the timer never fires afterwards
    await advance(2 * HOUR);
    expect(await activateNow(h, `${type}-timeout`)).toEqual([]);
    expect(intents((await instanceRecords(h.db, pik, { valueType: 'TIMER' })))).toEqual(['CREATED', 'CANCELED']);
  });

  it('should take the timer branch, delete the message subscription and not correlate a later message when the timer fires first', async () => {
    // given
    const id = unique('gw-timer');
    const name = unique('order.paid-late');
    const type = unique('gw');
    await deploy(h, raceProcess(id, name, type));
    const pik = await start(id, { orderId: 'o-1' });
    // when
    await advance(HOUR);
    // then
    expect((await activateOne(h, `${type}-timeout`)).processInstanceKey).toBe(pik);
    const rows = await instanceRecords(h.db, pik);
    expect(intents(rows.filter((r) => r.valueType === 'TIMER'))).toEqual(['CREATED', 'TRIGGERED']);
    expect(intents(rows.filter((r) => r.valueType === 'PROCESS_MESSAGE_SUBSCRIPTION'))).toEqual(['CREATED', 'DELETED']);
    expect(lifecycle(rows, ['g', 'paid', 'oneHour'])).toEqual([
      'g:ACTIVATING',
      'g:ACTIVATED',
      'g:COMPLETING',
      'g:COMPLETED',
      'oneHour:ACTIVATING',
      'oneHour:ACTIVATED',
      'oneHour:COMPLETING',
      'oneHour:COMPLETED',
    ]);
    // when the message comes late (buffered, too)
    await h.zeebe.publishMessage({ name, correlationKey: 'o-1', timeToLive: HOUR });
    await settle(h);
    // then
    expect(await activateNow(h, `${type}-paid`)).toEqual([]);
    expect(intents(await instanceRecords(h.db, pik, { valueType: 'PROCESS_MESSAGE_SUBSCRIPTION' }))).toEqual(['CREATED', 'DELETED']);
  });

  it('should take the signal branch and close the message and timer subscriptions when the signal comes first', async () => {
    // given
    const id = unique('gw-signal');
    const name = unique('order.paid-never');
    const signalName = unique('order.cancelled');
    const type = unique('gw');
    await deploy(h, raceProcess(id, name, type, signalName));
    const pik = await start(id, { orderId: 'o-1' });
    // when
    await h.zeebe.broadcastSignal({ signalName, variables: { cancelledBy: 'shop' } });
    // then
    const job = await activateOne(h, `${type}-cancel`);
    expect(job.processInstanceKey).toBe(pik);
    expect(job.variables).toEqual({ orderId: 'o-1', cancelledBy: 'shop' });
    const rows = await instanceRecords(h.db, pik);
    expect(intents(rows.filter((r) => r.valueType === 'TIMER'))).toEqual(['CREATED', 'CANCELED']);
    expect(intents(rows.filter((r) => r.valueType === 'PROCESS_MESSAGE_SUBSCRIPTION'))).toEqual(['CREATED', 'DELETED']);
    expect(lifecycle(rows, ['paid', 'oneHour', 'cancelled'])).toEqual([
      'cancelled:ACTIVATING',
      'cancelled:ACTIVATED',
      'cancelled:COMPLETING',
      'cancelled:COMPLETED',
    ]);
    await advance(2 * HOUR);
    expect(await activateNow(h, `${type}-timeout`)).toEqual([]);
    expect(intents(rows.filter((r) => r.valueType === 'SIGNAL_SUBSCRIPTION'))).toEqual(['CREATED', 'DELETED']);
  });

  it('should take the message branch at once when a matching message is already buffered', async () => {
    // given
    const id = unique('gw-buffered');
    const name = unique('order.paid-early');
    const type = unique('gw');
    await deploy(h, raceProcess(id, name, type));
    await h.zeebe.publishMessage({ name, correlationKey: 'o-1', timeToLive: HOUR, variables: { early: true } });
    // when
    const pik = await start(id, { orderId: 'o-1' });
    // then
    const job = await activateOne(h, `${type}-paid`);
    expect(job.processInstanceKey).toBe(pik);
    expect(job.variables).toEqual({ orderId: 'o-1', early: true });
    expect(intents(await instanceRecords(h.db, pik, { valueType: 'TIMER' }))).toEqual(['CREATED', 'CANCELED']);
    await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
    await waitForInstanceEnd(h.db, pik);
    expect(await isWaitingAt(h.db, pik, 'g')).toBe(false);
  });
});
