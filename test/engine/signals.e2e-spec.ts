import { processBuilder } from '../helpers/bpmn';
import { startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import { boundaryEvent, catchEvent, eventDocument, eventSubprocess, signal, signalDefinition, startEvent, throwEvent } from '../helpers/event-bpmn';
import { hasEnded, instancesOf, intents, isWaitingAt, recordsWhere, settle, waitForInstances } from '../helpers/event-records';
import { activate, activateNow, activateOne, deploy, unique, type Vars } from '../helpers/jobs';
import { elementsWith, instanceRecords, lifecycle, scopeVariables, waitForInstanceEnd } from '../helpers/records';

/** Signals through the Zeebe client: BroadcastSignal, signal catch, boundary and start events, signal throw events. */
describe('signals', () => {
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

  function broadcast(signalName: string, variables: Vars = {}) {
    return h.zeebe.broadcastSignal({ signalName, variables });
  }

  /** start → signal catch `wait` → end. */
  function catchOnly(id: string, signalName: string): string {
    return eventDocument(
      processBuilder(id).start().raw(catchEvent('wait', signalDefinition('sig'))).end().chain('start', 'wait', 'end'),
      signal('sig', signalName),
    );
  }

  const signalSubscriptionRecords = (pik: string) => instanceRecords(h.db, pik, { valueType: 'SIGNAL_SUBSCRIPTION' });

  it('should trigger the signal catch event of every waiting instance of every process', async () => {
    // given
    const name = unique('campaign.stopped');
    const p = unique('sig-catch-p');
    const q = unique('sig-catch-q');
    await deploy(h, catchOnly(p, name));
    await deploy(h, catchOnly(q, name));
    const waiting = [await start(p), await start(p), await start(q)];
    // when
    const broadcasted = await broadcast(name, { reason: 'budget' });
    // then
    for (const pik of waiting) {
      await waitForInstanceEnd(h.db, pik);
      expect(lifecycle(await instanceRecords(h.db, pik), ['wait'])).toEqual(['wait:ACTIVATING', 'wait:ACTIVATED', 'wait:COMPLETING', 'wait:COMPLETED']);
      expect(await scopeVariables(h.db, pik, pik)).toEqual({ reason: 'budget' });
    }
    const [signalRecord] = (await recordsWhere(h.db, 'SIGNAL', 'signalName', name)).filter((r) => r.intent === 'BROADCASTED');
    expect(signalRecord.key).toBe(broadcasted.key);
    expect(signalRecord.value).toMatchObject({ signalName: name, variables: { reason: 'budget' } });
  });

  it('should not buffer a signal: an instance that starts waiting afterwards is not triggered', async () => {
    // given
    const name = unique('campaign.paused');
    const id = unique('sig-late');
    await deploy(h, catchOnly(id, name));
    await broadcast(name);
    // when
    const pik = await start(id);
    await settle(h);
    // then
    expect(await isWaitingAt(h.db, pik, 'wait')).toBe(true);
  });

  it('should write SIGNAL_SUBSCRIPTION CREATED and DELETED for a triggered signal catch event', async () => {
    // given
    const name = unique('campaign.ended');
    const id = unique('sig-records');
    await deploy(h, catchOnly(id, name));
    const pik = await start(id);
    // when
    await broadcast(name);
    // then
    await waitForInstanceEnd(h.db, pik);
    const subscriptions = await signalSubscriptionRecords(pik);
    expect(intents(subscriptions)).toEqual(['CREATED', 'DELETED']);
    expect(subscriptions[0].value).toMatchObject({ signalName: name, catchEventId: 'wait', bpmnProcessId: id });
  });

  it('should terminate the activity when an interrupting signal boundary event is triggered', async () => {
    // given
    const name = unique('order.recalled');
    const id = unique('sig-boundary');
    const type = unique('deliver');
    await deploy(
      h,
      eventDocument(
        processBuilder(id)
          .start()
          .serviceTask('task', { type })
          .raw(boundaryEvent('onSignal', 'task', signalDefinition('sig')))
          .end()
          .end('recalled')
          .chain('start', 'task', 'end')
          .flow('onSignal', 'recalled'),
        signal('sig', name),
      ),
    );
    const pik = await start(id);
    // when
    await broadcast(name, { recall: true });
    // then
    await waitForInstanceEnd(h.db, pik);
    const rows = await instanceRecords(h.db, pik);
    expect(lifecycle(rows, ['task', 'onSignal', 'recalled', 'end'])).toEqual([
      'task:ACTIVATING',
      'task:ACTIVATED',
      'task:TERMINATING',
      'task:TERMINATED',
      'onSignal:ACTIVATING',
      'onSignal:ACTIVATED',
      'onSignal:COMPLETING',
      'onSignal:COMPLETED',
      'recalled:ACTIVATING',
      'recalled:ACTIVATED',
      'recalled:COMPLETING',
      'recalled:COMPLETED',
    ]);
    expect(intents(rows.filter((r) => r.valueType === 'JOB'))).toEqual(['CREATED', 'CANCELED']);
    expect(await scopeVariables(h.db, pik, pik)).toEqual({ recall: true });
    expect(await activateNow(h, type)).toEqual([]);
  });

  it('should keep the activity running when a non-interrupting signal boundary event is triggered', async () => {
    // given
    const name = unique('order.noted');
    const id = unique('sig-boundary-ni');
    const type = unique('pack');
    const note = unique('note');
    await deploy(
      h,
      eventDocument(
        processBuilder(id)
          .start()
          .serviceTask('task', { type })
          .raw(boundaryEvent('onSignal', 'task', signalDefinition('sig'), false))
          .serviceTask('note', { type: note })
          .end()
          .end('noted')
          .chain('start', 'task', 'end')
          .chain('onSignal', 'note', 'noted'),
        signal('sig', name),
      ),
    );
    const pik = await start(id);
    // when
    await broadcast(name);
    await broadcast(name);
    // then
    expect(await activate(h, note, { maxJobsToActivate: 5 })).toHaveLength(2);
    expect(await isWaitingAt(h.db, pik, 'task')).toBe(true);
  });

  it('should create one instance of each process with a signal start event, with the signal variables', async () => {
    // given
    const name = unique('season.started');
    const p = unique('sig-start-p');
    const q = unique('sig-start-q');
    const started = (id: string) =>
      eventDocument(processBuilder(id).raw(startEvent('sigStart', signalDefinition('sig'))).end().chain('sigStart', 'end'), signal('sig', name));
    await deploy(h, started(p));
    await deploy(h, started(q));
    // when
    await broadcast(name, { season: 'winter' });
    // then
    const [pInstance] = await waitForInstances(h.db, p, 1);
    const [qInstance] = await waitForInstances(h.db, q, 1);
    await settle(h);
    expect(await instancesOf(h.db, p)).toHaveLength(1);
    expect(await instancesOf(h.db, q)).toHaveLength(1);
    for (const pik of [pInstance, qInstance]) {
      await waitForInstanceEnd(h.db, pik);
      expect(await scopeVariables(h.db, pik, pik)).toEqual({ season: 'winter' });
      expect(lifecycle(await instanceRecords(h.db, pik), ['sigStart'])).toEqual([
        'sigStart:ACTIVATING',
        'sigStart:ACTIVATED',
        'sigStart:COMPLETING',
        'sigStart:COMPLETED',
      ]);
    }
  });

  it('should start only the latest version of a process with a signal start event', async () => {
    // given
    const name = unique('season.ended');
    const id = unique('sig-start-version');
    const v1Type = unique('v1');
    const v2Type = unique('v2');
    const started = (type: string) =>
      eventDocument(
        processBuilder(id).raw(startEvent('sigStart', signalDefinition('sig'))).serviceTask('task', { type }).end().chain('sigStart', 'task', 'end'),
        signal('sig', name),
      );
    await deploy(h, started(v1Type));
    const v2 = await deploy(h, started(v2Type));
    // when
    await broadcast(name);
    // then
    const [pik] = await waitForInstances(h.db, id, 1);
    await settle(h);
    expect(await instancesOf(h.db, id)).toHaveLength(1);
    expect((await activateOne(h, v2Type)).processInstanceKey).toBe(pik);
    expect(await activateNow(h, v1Type)).toEqual([]);
    const subscriptions = await recordsWhere(h.db, 'SIGNAL_SUBSCRIPTION', 'bpmnProcessId', id);
    expect(intents(subscriptions)).toEqual(['CREATED', 'DELETED', 'CREATED']);
    expect(String(subscriptions[2].value.processDefinitionKey)).toBe(v2.processDefinitionKey);
  });

  it('should trigger another process waiting for the signal when a signal throw event is reached', async () => {
    // given
    const name = unique('stock.low');
    const thrower = unique('sig-thrower');
    const catcher = unique('sig-catcher');
    await deploy(h, catchOnly(catcher, name));
    await deploy(
      h,
      eventDocument(
        processBuilder(thrower).start().raw(throwEvent('throw', signalDefinition('sig'))).end().chain('start', 'throw', 'end'),
        signal('sig', name),
      ),
    );
    const waiting = await start(catcher);
    // when
    const throwing = await start(thrower);
    // then
    await waitForInstanceEnd(h.db, throwing);
    await waitForInstanceEnd(h.db, waiting);
    expect(lifecycle(await instanceRecords(h.db, throwing), ['throw'])).toEqual([
      'throw:ACTIVATING',
      'throw:ACTIVATED',
      'throw:COMPLETING',
      'throw:COMPLETED',
    ]);
    expect(lifecycle(await instanceRecords(h.db, waiting), ['wait'])).toEqual(['wait:ACTIVATING', 'wait:ACTIVATED', 'wait:COMPLETING', 'wait:COMPLETED']);
    expect(intents((await recordsWhere(h.db, 'SIGNAL', 'signalName', name)))).toEqual(['BROADCASTED']);
  });

  it('should broadcast the signal of a signal end event and complete the throwing instance', async () => {
    // given: a signal end event without input mappings sends no variables, whatever its instance holds
    const name = unique('journey.finished');
    const thrower = unique('sig-end-thrower');
    const catcher = unique('sig-end-catcher');
    await deploy(h, catchOnly(catcher, name));
    await deploy(
      h,
      eventDocument(processBuilder(thrower).start().raw(`<bpmn:endEvent id="signalEnd">${signalDefinition('sig')}</bpmn:endEvent>`).chain('start', 'signalEnd'), signal('sig', name)),
    );
    const waiting = await start(catcher);
    // when
    const throwing = await start(thrower, { customer: 'c-1' });
    // then
    await waitForInstanceEnd(h.db, throwing);
    await waitForInstanceEnd(h.db, waiting);
    const rows = await instanceRecords(h.db, throwing);
    expect(lifecycle(rows, ['signalEnd', thrower])).toEqual([
      `${thrower}:ACTIVATING`,
      `${thrower}:ACTIVATED`,
      'signalEnd:ACTIVATING',
      'signalEnd:ACTIVATED',
      'signalEnd:COMPLETING',
      'signalEnd:COMPLETED',
      `${thrower}:COMPLETING`,
      `${thrower}:COMPLETED`,
    ]);
    const broadcasts = await recordsWhere(h.db, 'SIGNAL', 'signalName', name);
    expect(broadcasts.map((r) => [r.intent, r.value.variables])).toEqual([['BROADCASTED', {}]]);
    expect(lifecycle(await instanceRecords(h.db, waiting), ['wait'])).toEqual(['wait:ACTIVATING', 'wait:ACTIVATED', 'wait:COMPLETING', 'wait:COMPLETED']);
    expect(await scopeVariables(h.db, waiting, waiting)).toEqual({});
  });

  it('should send the local variables of the signal throw event, created by its input mappings, as the signal variables', async () => {
    // given: Zeebe broadcasts the throw event's local variables (BpmnSignalBehavior), so only the
    // input mappings reach the catching instance, not the rest of the thrower's variables
    const name = unique('stock.reserved');
    const thrower = unique('sig-vars-thrower');
    const catcher = unique('sig-vars-catcher');
    await deploy(h, catchOnly(catcher, name));
    await deploy(
      h,
      eventDocument(
        processBuilder(thrower)
          .start()
          .raw(
            `<bpmn:intermediateThrowEvent id="throw"><bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=order.id" target="orderId"/><zeebe:input source="=&quot;low&quot;" target="level"/></zeebe:ioMapping></bpmn:extensionElements>${signalDefinition('sig')}</bpmn:intermediateThrowEvent>`,
          )
          .end()
          .chain('start', 'throw', 'end'),
        signal('sig', name),
      ),
    );
    const waiting = await start(catcher);
    // when
    const throwing = await start(thrower, { order: { id: 'o-7' }, secret: 'internal' });
    // then
    await waitForInstanceEnd(h.db, throwing);
    await waitForInstanceEnd(h.db, waiting);
    const [broadcast] = await recordsWhere(h.db, 'SIGNAL', 'signalName', name);
    expect(broadcast.value.variables).toEqual({ orderId: 'o-7', level: 'low' });
    expect(await scopeVariables(h.db, waiting, waiting)).toEqual({ orderId: 'o-7', level: 'low' });
    const throwKey = (await instanceRecords(h.db, throwing, { elementId: 'throw', intent: 'ELEMENT_ACTIVATING' }))[0].key;
    expect(await scopeVariables(h.db, throwing, throwKey)).toEqual({ orderId: 'o-7', level: 'low' });
    expect(await scopeVariables(h.db, throwing, throwing)).toEqual({ order: { id: 'o-7' }, secret: 'internal' });
  });

  it('should interrupt the subprocess around a signal throw event through the subprocess signal boundary event', async () => {
    // given: the thrown signal is caught by an interrupting boundary event of the enclosing subprocess
    const name = unique('journey.abort');
    const id = unique('sig-self');
    const type = unique('after-throw');
    await deploy(
      h,
      eventDocument(
        processBuilder(id)
          .start()
          .subProcess('sub', (b) =>
            b
              .start('subStart')
              .raw(throwEvent('throw', signalDefinition('sig')))
              .serviceTask('afterThrow', { type })
              .end('subEnd')
              .flow('subStart', 'throw', undefined, 'subFlow1')
              .flow('throw', 'afterThrow', undefined, 'subFlow2')
              .flow('afterThrow', 'subEnd', undefined, 'subFlow3'),
          )
          .raw(boundaryEvent('aborted', 'sub', signalDefinition('sig')))
          .end()
          .end('abortEnd')
          .flow('start', 'sub', undefined, 'toSub')
          .flow('sub', 'end', undefined, 'toEnd')
          .flow('aborted', 'abortEnd', undefined, 'toAbortEnd'),
        signal('sig', name),
      ),
    );
    // when
    const pik = await start(id);
    // then
    await waitForInstanceEnd(h.db, pik);
    const rows = await instanceRecords(h.db, pik);
    expect(lifecycle(rows, ['throw']).slice(0, 2)).toEqual(['throw:ACTIVATING', 'throw:ACTIVATED']);
    expect(lifecycle(rows, ['sub']).slice(-2)).toEqual(['sub:TERMINATING', 'sub:TERMINATED']);
    expect(elementsWith(rows, 'ELEMENT_COMPLETED')).toContain('abortEnd');
    expect(elementsWith(rows, 'ELEMENT_COMPLETED')).not.toContain('afterThrow');
    expect(rows.filter((r) => r.valueType === 'INCIDENT')).toEqual([]);
    expect(await activateNow(h, type)).toEqual([]);
  });

  it('should start an interrupting signal event subprocess and terminate the other children', async () => {
    // given
    const name = unique('account.closed');
    const id = unique('sig-esp');
    const type = unique('work');
    const cleanup = unique('cleanup');
    await deploy(
      h,
      eventDocument(
        processBuilder(id)
          .start()
          .serviceTask('work', { type })
          .end()
          .chain('start', 'work', 'end')
          .raw(
            eventSubprocess(
              'onSignal',
              processBuilder('inner')
                .raw(startEvent('sigStart', signalDefinition('sig')))
                .serviceTask('cleanup', { type: cleanup })
                .end('cleanedUp')
                .flow('sigStart', 'cleanup', undefined, 'espFlow1')
                .flow('cleanup', 'cleanedUp', undefined, 'espFlow2')
                .body(),
            ),
          ),
        signal('sig', name),
      ),
    );
    const pik = await start(id);
    // when
    await broadcast(name, { closedBy: 'customer' });
    // then
    const job = await activateOne(h, cleanup);
    expect(job.processInstanceKey).toBe(pik);
    expect(job.variables).toEqual({ closedBy: 'customer' });
    expect(await activateNow(h, type)).toEqual([]);
    expect(lifecycle(await instanceRecords(h.db, pik), ['work', 'onSignal'])).toEqual([
      'work:ACTIVATING',
      'work:ACTIVATED',
      'work:TERMINATING',
      'work:TERMINATED',
      'onSignal:ACTIVATING',
      'onSignal:ACTIVATED',
    ]);
    await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
    await waitForInstanceEnd(h.db, pik);
    expect(await hasEnded(h.db, pik)).toBe(true);
    expect(lifecycle(await instanceRecords(h.db, pik), [id]).pop()).toBe(`${id}:COMPLETED`);
  });

  it('should start a non-interrupting signal event subprocess on every broadcast while the other children keep running', async () => {
    // given
    const name = unique('price.changed');
    const id = unique('sig-esp-ni');
    const type = unique('work');
    const notify = unique('notify');
    await deploy(
      h,
      eventDocument(
        processBuilder(id)
          .start()
          .serviceTask('work', { type })
          .end()
          .chain('start', 'work', 'end')
          .raw(
            eventSubprocess(
              'onSignal',
              processBuilder('inner')
                .raw(startEvent('sigStart', signalDefinition('sig'), false))
                .serviceTask('notify', { type: notify })
                .end('notified')
                .flow('sigStart', 'notify', undefined, 'espFlow1')
                .flow('notify', 'notified', undefined, 'espFlow2')
                .body(),
            ),
          ),
        signal('sig', name),
      ),
    );
    const pik = await start(id);
    // when
    await broadcast(name, { price: 10 });
    await broadcast(name, { price: 12 });
    // then
    const jobs = await activate(h, notify, { maxJobsToActivate: 5 });
    expect(jobs.map((j) => j.processInstanceKey)).toEqual([pik, pik]);
    expect(await isWaitingAt(h.db, pik, 'work')).toBe(true);
    const rows = await instanceRecords(h.db, pik);
    expect(lifecycle(rows, ['work'])).toEqual(['work:ACTIVATING', 'work:ACTIVATED']);
    expect(lifecycle(rows, ['onSignal']).filter((s) => s.endsWith(':ACTIVATED'))).toHaveLength(2);
    expect(intents(await signalSubscriptionRecords(pik))).toEqual(['CREATED']);
    // and when the event subprocesses and the work complete, the process completes
    for (const job of jobs) await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
    await h.zeebe.completeJob({ jobKey: (await activateOne(h, type)).key, variables: {} });
    await waitForInstanceEnd(h.db, pik);
    const done = await instanceRecords(h.db, pik);
    expect(lifecycle(done, ['onSignal']).filter((s) => s.endsWith(':COMPLETED'))).toHaveLength(2);
    expect(lifecycle(done, [id]).pop()).toBe(`${id}:COMPLETED`);
    expect(intents(await signalSubscriptionRecords(pik))).toEqual(['CREATED', 'DELETED']);
  });
});
