import { processBuilder } from '../helpers/bpmn';
import { ManualClock, startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import { boundaryEvent, catchEvent, eventDocument, eventSubprocess, startEvent, timerDefinition, type TimerSpec } from '../helpers/event-bpmn';
import { instancesOf, intents, isWaitingAt, recordsWhere, settle, waitForInstances, waitForRecords } from '../helpers/event-records';
import { activate, activateNow, activateOne, deploy, grpcError, unique, type Vars } from '../helpers/jobs';
import { instanceRecords, lifecycle, waitForInstanceEnd, type RecordRow } from '../helpers/records';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * BPMN timers through the Zeebe client with a manual clock: the clock is advanced, never waited
 * for. Each assertion on "nothing happened yet" is made after `settle()`, i.e. after the engine
 * processed the advance.
 */
describe('timers', () => {
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

  /** Advances the clock and waits until the engine processed it. */
  async function advance(ms: number): Promise<void> {
    clock.advance(ms);
    await settle(h);
  }

  /** start → timer catch `timer` → service task of `type` → end. */
  function timerThenTask(id: string, spec: TimerSpec, type: string): string {
    return eventDocument(
      processBuilder(id)
        .start()
        .raw(catchEvent('timer', timerDefinition(spec)))
        .serviceTask('task', { type })
        .end()
        .chain('start', 'timer', 'task', 'end'),
    );
  }

  const timerRecords = (pik: string) => instanceRecords(h.db, pik, { valueType: 'TIMER' });
  const definitionTimers = (processDefinitionKey: string) => recordsWhere(h.db, 'TIMER', 'processDefinitionKey', processDefinitionKey);
  const describeTimers = (rows: RecordRow[]) => rows.map((r) => `${r.intent} ${new Date(r.value.dueDate).toISOString()}`);

  describe('intermediate timer catch event', () => {
    it('should fire a duration timer at its due date and not a millisecond before', async () => {
      // given
      const id = unique('timer-duration');
      const type = unique('after-timer');
      await deploy(h, timerThenTask(id, { duration: 'PT10M' }, type));
      const createdAt = clock.now();
      const pik = await start(id);
      // when
      await advance(10 * MINUTE - 1);
      // then
      expect(await isWaitingAt(h.db, pik, 'timer')).toBe(true);
      expect(intents(await timerRecords(pik))).toEqual(['CREATED']);
      expect(await activateNow(h, type)).toEqual([]);
      // when
      await advance(1);
      // then
      expect((await activateOne(h, type)).processInstanceKey).toBe(pik);
      const timers = await timerRecords(pik);
      expect(intents(timers)).toEqual(['CREATED', 'TRIGGERED']);
      const timerInstanceKey = (await instanceRecords(h.db, pik, { elementId: 'timer', intent: 'ELEMENT_ACTIVATING' }))[0].key;
      expect(timers[0].value).toMatchObject({
        dueDate: createdAt + 10 * MINUTE,
        targetElementId: 'timer',
        elementInstanceKey: Number(timerInstanceKey),
        processInstanceKey: Number(pik),
      });
      expect(timers[1].key).toBe(timers[0].key);
      expect(lifecycle(await instanceRecords(h.db, pik), ['timer'])).toEqual([
        'timer:ACTIVATING',
        'timer:ACTIVATED',
        'timer:COMPLETING',
        'timer:COMPLETED',
      ]);
    });

    it('should fire a timer whose date is in the past at once', async () => {
      // given
      const id = unique('timer-past-date');
      const type = unique('after-past');
      await deploy(h, timerThenTask(id, { date: '2020-01-01T00:00:00Z' }, type));
      // when: no clock advance
      const pik = await start(id);
      // then
      const [triggered] = await waitForRecords(h.db, { processInstanceKey: pik, valueType: 'TIMER', intent: 'TRIGGERED' }, 1, undefined, 3000);
      expect(triggered.value.dueDate).toBe(Date.parse('2020-01-01T00:00:00Z'));
      expect((await activateOne(h, type)).processInstanceKey).toBe(pik);
    });

    it('should fire a timer at a future date', async () => {
      // given
      const id = unique('timer-date');
      const type = unique('after-date');
      const due = clock.now() + 2 * HOUR;
      await deploy(h, timerThenTask(id, { date: new Date(due).toISOString() }, type));
      const pik = await start(id);
      // when
      await advance(2 * HOUR - 1);
      const early = await activateNow(h, type);
      await advance(1);
      // then
      expect(early).toEqual([]);
      expect((await activateOne(h, type)).processInstanceKey).toBe(pik);
      expect(describeTimers(await timerRecords(pik))).toEqual([`CREATED ${new Date(due).toISOString()}`, `TRIGGERED ${new Date(due).toISOString()}`]);
    });

    it('should compute the due date from a FEEL expression that gives a duration', async () => {
      // given
      const id = unique('timer-feel-duration');
      const type = unique('after-feel');
      await deploy(h, timerThenTask(id, { duration: '=duration("PT" + string(minutes) + "M")' }, type));
      const createdAt = clock.now();
      // when
      const pik = await start(id, { minutes: 15 });
      // then
      const [created] = await waitForRecords(h.db, { processInstanceKey: pik, valueType: 'TIMER', intent: 'CREATED' }, 1, undefined, 2000).catch(async () => {
        const incidents = await instanceRecords(h.db, pik, { valueType: 'INCIDENT' });
        throw new Error(`Expected a timer, but got the incident ${JSON.stringify(incidents[0]?.value.errorMessage)}`);
      });
      expect(created.value.dueDate).toBe(createdAt + 15 * MINUTE);
      await advance(15 * MINUTE);
      expect((await activateOne(h, type)).processInstanceKey).toBe(pik);
    });

    it('should compute the due date from a FEEL expression that gives an ISO 8601 duration string', async () => {
      // given
      const id = unique('timer-feel-string');
      const type = unique('after-feel-string');
      await deploy(h, timerThenTask(id, { duration: '=reminderDelay' }, type));
      const createdAt = clock.now();
      // when
      const pik = await start(id, { reminderDelay: 'PT20M' });
      // then
      const [created] = await waitForRecords(h.db, { processInstanceKey: pik, valueType: 'TIMER', intent: 'CREATED' }, 1);
      expect(created.value.dueDate).toBe(createdAt + 20 * MINUTE);
      await advance(20 * MINUTE);
      expect((await activateOne(h, type)).processInstanceKey).toBe(pik);
    });

    it('should compute the due date from a FEEL expression that gives a date and time', async () => {
      // given
      const id = unique('timer-feel-date');
      const type = unique('after-feel-date');
      await deploy(h, timerThenTask(id, { date: '=date and time(remindAt)' }, type));
      const due = clock.now() + 3 * HOUR;
      // when
      const pik = await start(id, { remindAt: new Date(due).toISOString().replace('.000Z', 'Z') });
      // then
      const [created] = await waitForRecords(h.db, { processInstanceKey: pik, valueType: 'TIMER', intent: 'CREATED' }, 1, undefined, 2000).catch(async () => {
        const incidents = await instanceRecords(h.db, pik, { valueType: 'INCIDENT' });
        throw new Error(`Expected a timer, but got the incident ${JSON.stringify(incidents[0]?.value.errorMessage)}`);
      });
      expect(created.value.dueDate).toBe(due);
    });
  });

  describe('boundary timers', () => {
    it('should terminate the activity and cancel its job when an interrupting timer boundary event fires', async () => {
      // given
      const id = unique('timer-boundary');
      const type = unique('slow');
      await deploy(
        h,
        eventDocument(
          processBuilder(id)
            .start()
            .serviceTask('task', { type })
            .raw(boundaryEvent('timeout', 'task', timerDefinition({ duration: 'PT1H' })))
            .end()
            .end('timedOut')
            .chain('start', 'task', 'end')
            .flow('timeout', 'timedOut'),
        ),
      );
      const pik = await start(id);
      const job = await activateOne(h, type, { timeout: 2 * HOUR });
      // when
      await advance(HOUR);
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['task', 'timeout', 'timedOut', 'end'])).toEqual([
        'task:ACTIVATING',
        'task:ACTIVATED',
        'task:TERMINATING',
        'task:TERMINATED',
        'timeout:ACTIVATING',
        'timeout:ACTIVATED',
        'timeout:COMPLETING',
        'timeout:COMPLETED',
        'timedOut:ACTIVATING',
        'timedOut:ACTIVATED',
        'timedOut:COMPLETING',
        'timedOut:COMPLETED',
      ]);
      expect(intents(rows.filter((r) => r.valueType === 'TIMER'))).toEqual(['CREATED', 'TRIGGERED']);
      expect(intents(rows.filter((r) => r.valueType === 'JOB'))).toEqual(['CREATED', 'CANCELED']);
      expect((await grpcError(() => h.zeebe.completeJob({ jobKey: job.key, variables: {} }))).code).toBe(5);
    });

    it('should fire a non-interrupting R3/PT1H cycle three times, re-arming it in between, while the activity keeps running', async () => {
      // given
      const id = unique('timer-cycle');
      const type = unique('long-task');
      const remind = unique('remind');
      await deploy(
        h,
        eventDocument(
          processBuilder(id)
            .start()
            .serviceTask('task', { type })
            .raw(boundaryEvent('reminder', 'task', timerDefinition({ cycle: 'R3/PT1H' }), false))
            .serviceTask('remind', { type: remind })
            .end()
            .end('reminded')
            .chain('start', 'task', 'end')
            .chain('reminder', 'remind', 'reminded'),
        ),
      );
      const createdAt = clock.now();
      const pik = await start(id);
      // when
      for (let i = 0; i < 4; i++) await advance(HOUR);
      // then
      const at = (hours: number) => new Date(createdAt + hours * HOUR).toISOString();
      expect(describeTimers(await timerRecords(pik))).toEqual([
        `CREATED ${at(1)}`,
        `TRIGGERED ${at(1)}`,
        `CREATED ${at(2)}`,
        `TRIGGERED ${at(2)}`,
        `CREATED ${at(3)}`,
        `TRIGGERED ${at(3)}`,
      ]);
      expect(await activate(h, remind, { maxJobsToActivate: 10 })).toHaveLength(3);
      expect(await isWaitingAt(h.db, pik, 'task')).toBe(true);
      expect(lifecycle(await instanceRecords(h.db, pik), ['reminder']).filter((s) => s.endsWith('COMPLETED'))).toHaveLength(3);
    });

    it('should follow a cycle with a start date: first at the start date, then every interval', async () => {
      // given
      const id = unique('timer-cycle-start');
      const type = unique('long-task');
      const remind = unique('remind-start');
      const first = clock.now() + 30 * MINUTE;
      await deploy(
        h,
        eventDocument(
          processBuilder(id)
            .start()
            .serviceTask('task', { type })
            .raw(boundaryEvent('reminder', 'task', timerDefinition({ cycle: `R2/${new Date(first).toISOString()}/PT1H` }), false))
            .serviceTask('remind', { type: remind })
            .end()
            .end('reminded')
            .chain('start', 'task', 'end')
            .chain('reminder', 'remind', 'reminded'),
        ),
      );
      const pik = await start(id);
      // when
      await advance(30 * MINUTE - 1);
      const early = await activateNow(h, remind);
      await advance(1);
      await advance(HOUR);
      await advance(HOUR);
      // then
      expect(early).toEqual([]);
      const at = (ms: number) => new Date(first + ms).toISOString();
      expect(describeTimers(await timerRecords(pik))).toEqual([`CREATED ${at(0)}`, `TRIGGERED ${at(0)}`, `CREATED ${at(HOUR)}`, `TRIGGERED ${at(HOUR)}`]);
      expect(await activate(h, remind, { maxJobsToActivate: 10 })).toHaveLength(2);
    });

    it('should follow a time cycle given by a FEEL expression, evaluated once when the activity is entered', async () => {
      // given
      const id = unique('timer-cycle-feel');
      const type = unique('long-task');
      const remind = unique('remind-feel');
      await deploy(
        h,
        eventDocument(
          processBuilder(id)
            .start()
            .serviceTask('task', { type })
            .raw(boundaryEvent('reminder', 'task', timerDefinition({ cycle: '="R" + string(reminders) + "/PT" + string(hours) + "H"' }), false))
            .serviceTask('remind', { type: remind })
            .end()
            .end('reminded')
            .chain('start', 'task', 'end')
            .chain('reminder', 'remind', 'reminded'),
        ),
      );
      const createdAt = clock.now();
      const pik = await start(id, { reminders: 2, hours: 2 });
      // when: the variables change after the timer was scheduled, and three intervals pass
      await h.zeebe.setVariables({ elementInstanceKey: pik, variables: { reminders: 5, hours: 1 }, local: false });
      for (let i = 0; i < 3; i++) await advance(2 * HOUR);
      // then
      const at = (hours: number) => new Date(createdAt + hours * HOUR).toISOString();
      const timers = await timerRecords(pik);
      expect(describeTimers(timers)).toEqual([`CREATED ${at(2)}`, `TRIGGERED ${at(2)}`, `CREATED ${at(4)}`, `TRIGGERED ${at(4)}`]);
      expect(timers.map((r) => r.value.repetitions)).toEqual([2, 2, 1, 1]);
      expect(await activate(h, remind, { maxJobsToActivate: 10 })).toHaveLength(2);
      expect(await isWaitingAt(h.db, pik, 'task')).toBe(true);
    });

    it('should cancel the boundary timer when the activity completes', async () => {
      // given
      const id = unique('timer-boundary-cancel');
      const type = unique('quick');
      await deploy(
        h,
        eventDocument(
          processBuilder(id)
            .start()
            .serviceTask('task', { type })
            .raw(boundaryEvent('timeout', 'task', timerDefinition({ duration: 'PT1H' })))
            .end()
            .end('timedOut')
            .chain('start', 'task', 'end')
            .flow('timeout', 'timedOut'),
        ),
      );
      const pik = await start(id);
      // when
      await h.zeebe.completeJob({ jobKey: (await activateOne(h, type)).key, variables: {} });
      await advance(2 * HOUR);
      // then
      await waitForInstanceEnd(h.db, pik);
      const timers = await timerRecords(pik);
      expect(intents(timers)).toEqual(['CREATED', 'CANCELED']);
      expect(timers[1].key).toBe(timers[0].key);
      expect(lifecycle(await instanceRecords(h.db, pik), ['timeout'])).toEqual([]);
    });
  });

  describe('timer start events', () => {
    /** A timer start event → a service task of `type` → end. */
    function timerStarted(id: string, spec: TimerSpec, type: string): string {
      return eventDocument(
        processBuilder(id).raw(startEvent('timerStart', timerDefinition(spec))).serviceTask('task', { type }).end().chain('timerStart', 'task', 'end'),
      );
    }

    /** A new version without a timer start event: stops the schedule so later tests see none of it. */
    async function unschedule(id: string): Promise<void> {
      await deploy(h, processBuilder(id).start().end().chain('start', 'end').xml());
    }

    it('should schedule a timer start event at deploy and replace it when a new version is deployed', async () => {
      // given
      const id = unique('timer-start');
      const v1Type = unique('v1');
      const v2Type = unique('v2');
      const deployedAt = clock.now();
      const v1 = await deploy(h, timerStarted(id, { duration: 'PT1H' }, v1Type));
      // when
      const v2 = await deploy(h, timerStarted(id, { duration: 'PT2H' }, v2Type));
      await advance(HOUR);
      // then the old version's timer never fires
      expect(await instancesOf(h.db, id)).toEqual([]);
      const v1Timers = await definitionTimers(v1.processDefinitionKey);
      expect(describeTimers(v1Timers)).toEqual([`CREATED ${new Date(deployedAt + HOUR).toISOString()}`, `CANCELED ${new Date(deployedAt + HOUR).toISOString()}`]);
      expect(v1Timers[0].value).toMatchObject({ processInstanceKey: -1, elementInstanceKey: -1, targetElementId: 'timerStart' });
      // when the new version's timer is due
      await advance(HOUR);
      // then
      const [pik] = await waitForInstances(h.db, id, 1);
      const [processRecord] = await instanceRecords(h.db, pik, { bpmnElementType: 'PROCESS' });
      expect(processRecord.value).toMatchObject({ version: 2, processDefinitionKey: Number(v2.processDefinitionKey) });
      expect((await activateOne(h, v2Type)).processInstanceKey).toBe(pik);
      expect(await activateNow(h, v1Type)).toEqual([]);
      expect(intents(await definitionTimers(v2.processDefinitionKey))).toEqual(['CREATED', 'TRIGGERED']);
      expect(lifecycle(await instanceRecords(h.db, pik), ['timerStart'])).toEqual([
        'timerStart:ACTIVATING',
        'timerStart:ACTIVATED',
        'timerStart:COMPLETING',
        'timerStart:COMPLETED',
      ]);
    });

    it('should keep the timer of a process that is deployed again unchanged', async () => {
      // given
      const id = unique('timer-start-duplicate');
      const type = unique('dup');
      const xml = timerStarted(id, { duration: 'PT1H' }, type);
      const first = await deploy(h, xml);
      // when
      const again = await deploy(h, xml);
      await advance(HOUR);
      // then
      expect(again.processDefinitionKey).toBe(first.processDefinitionKey);
      expect(intents(await definitionTimers(first.processDefinitionKey))).toEqual(['CREATED', 'TRIGGERED']);
      expect(await waitForInstances(h.db, id, 1)).toHaveLength(1);
    });

    it('should create instances on the schedule of a cron cycle', async () => {
      // given: every full hour
      const id = unique('timer-cron');
      const type = unique('hourly');
      const firstDue = Math.floor(clock.now() / HOUR) * HOUR + HOUR;
      const deployed = await deploy(h, timerStarted(id, { cycle: '0 0 * * * *' }, type));
      // when
      await advance(firstDue - clock.now() - 1);
      const before = await instancesOf(h.db, id);
      await advance(1);
      await waitForInstances(h.db, id, 1);
      await advance(HOUR);
      // then
      expect(before).toEqual([]);
      expect(await waitForInstances(h.db, id, 2)).toHaveLength(2);
      expect(describeTimers(await definitionTimers(deployed.processDefinitionKey))).toEqual([
        `CREATED ${new Date(firstDue).toISOString()}`,
        `TRIGGERED ${new Date(firstDue).toISOString()}`,
        `CREATED ${new Date(firstDue + HOUR).toISOString()}`,
        `TRIGGERED ${new Date(firstDue + HOUR).toISOString()}`,
        `CREATED ${new Date(firstDue + 2 * HOUR).toISOString()}`,
      ]);
      await unschedule(id);
      expect(intents(await definitionTimers(deployed.processDefinitionKey)).pop()).toBe('CANCELED');
    });
  });

  describe('event subprocess with a timer start event', () => {
    it('should start a non-interrupting timer event subprocess while the other children keep running', async () => {
      // given
      const id = unique('timer-esp');
      const type = unique('work');
      const escalate = unique('escalate');
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
                'onTimer',
                processBuilder('inner')
                  .raw(startEvent('timerStart', timerDefinition({ duration: 'PT30M' }), false))
                  .serviceTask('escalate', { type: escalate })
                  .end('escalated')
                  .flow('timerStart', 'escalate', undefined, 'espFlow1')
                  .flow('escalate', 'escalated', undefined, 'espFlow2')
                  .body(),
              ),
            ),
        ),
      );
      const pik = await start(id);
      // when
      await advance(30 * MINUTE);
      // then
      expect((await activateOne(h, escalate)).processInstanceKey).toBe(pik);
      expect(await isWaitingAt(h.db, pik, 'work')).toBe(true);
      expect(intents(await timerRecords(pik))).toEqual(['CREATED', 'TRIGGERED']);
      expect(lifecycle(await instanceRecords(h.db, pik), ['onTimer', 'timerStart'])).toEqual([
        'onTimer:ACTIVATING',
        'onTimer:ACTIVATED',
        'timerStart:ACTIVATING',
        'timerStart:ACTIVATED',
        'timerStart:COMPLETING',
        'timerStart:COMPLETED',
      ]);
    });
  });

  describe('while the engine is down', () => {
    it('should fire a duration timer that fell due while down once after the restart', async () => {
      // given
      const id = unique('timer-down-once');
      const type = unique('after-down');
      await deploy(h, timerThenTask(id, { duration: 'PT1H' }, type));
      const createdAt = clock.now();
      const pik = await start(id);
      // when: down for 3 hours, then restarted
      await h.engine.close();
      clock.advance(3 * HOUR);
      await h.restart();
      await waitForRecords(h.db, { processInstanceKey: pik, valueType: 'TIMER', intent: 'TRIGGERED' }, 1);
      await advance(HOUR);
      // then
      expect(describeTimers(await timerRecords(pik))).toEqual([
        `CREATED ${new Date(createdAt + HOUR).toISOString()}`,
        `TRIGGERED ${new Date(createdAt + HOUR).toISOString()}`,
      ]);
      expect((await activate(h, type, { maxJobsToActivate: 10 })).map((j) => j.processInstanceKey)).toEqual([pik]);
      expect(lifecycle(await instanceRecords(h.db, pik), ['timer'])).toEqual([
        'timer:ACTIVATING',
        'timer:ACTIVATED',
        'timer:COMPLETING',
        'timer:COMPLETED',
      ]);
    });

    it('should fire a cycle timer that fell due several times while down once, and schedule the next occurrence one interval after the restart', async () => {
      // given: a non-interrupting R/PT1H boundary timer and an R/PT1H timer start event. Zeebe
      // reschedules a cycle one interval after its last due date, or — when that is already
      // past — one interval after the trigger time (TimerTriggerProcessor, camunda#10054).
      const id = unique('timer-down');
      const type = unique('waiting');
      const remind = unique('remind-down');
      const startId = unique('timer-down-start');
      const startType = unique('started-down');
      await deploy(
        h,
        eventDocument(
          processBuilder(id)
            .start()
            .serviceTask('task', { type })
            .raw(boundaryEvent('reminder', 'task', timerDefinition({ cycle: 'R/PT1H' }), false))
            .serviceTask('remind', { type: remind })
            .end()
            .end('reminded')
            .chain('start', 'task', 'end')
            .chain('reminder', 'remind', 'reminded'),
        ),
      );
      const startDefinition = await deploy(
        h,
        eventDocument(
          processBuilder(startId)
            .raw(startEvent('timerStart', timerDefinition({ cycle: 'R/PT1H' })))
            .serviceTask('task', { type: startType })
            .end()
            .chain('timerStart', 'task', 'end'),
        ),
      );
      const createdAt = clock.now();
      const pik = await start(id);
      // when: down for 3.5 hours (three occurrences missed), then restarted
      await h.engine.close();
      clock.advance(3.5 * HOUR);
      await h.restart();
      await waitForRecords(h.db, { processInstanceKey: pik, valueType: 'TIMER', intent: 'TRIGGERED' }, 1);
      await waitForInstances(h.db, startId, 1);
      await settle(h);
      // then: each fired once, and the next occurrence is at 4.5 h, one interval after the restart (3.5 h)
      const at = (hours: number) => new Date(createdAt + hours * HOUR).toISOString();
      expect(describeTimers(await timerRecords(pik))).toEqual([`CREATED ${at(1)}`, `TRIGGERED ${at(1)}`, `CREATED ${at(4.5)}`]);
      expect(await activate(h, remind, { maxJobsToActivate: 10 })).toHaveLength(1);
      expect(describeTimers(await definitionTimers(startDefinition.processDefinitionKey))).toEqual([
        `CREATED ${at(1)}`,
        `TRIGGERED ${at(1)}`,
        `CREATED ${at(4.5)}`,
      ]);
      expect(await instancesOf(h.db, startId)).toHaveLength(1);
      // and the next occurrence fires then, not on the original schedule (4 h)
      await advance(0.5 * HOUR);
      expect(await instancesOf(h.db, startId)).toHaveLength(1);
      expect(intents(await timerRecords(pik))).toEqual(['CREATED', 'TRIGGERED', 'CREATED']);
      await advance(0.5 * HOUR);
      expect(await waitForInstances(h.db, startId, 2)).toHaveLength(2);
      await waitForRecords(h.db, { processInstanceKey: pik, valueType: 'TIMER', intent: 'TRIGGERED' }, 2);
      expect(describeTimers(await timerRecords(pik)).slice(3)).toEqual([`TRIGGERED ${at(4.5)}`, `CREATED ${at(5.5)}`]);
      await deploy(h, processBuilder(startId).start().end().chain('start', 'end').xml());
    });
  });

  describe('with the wall clock', () => {
    let wall: EngineHarness;
    beforeAll(async () => {
      wall = await startEngineHarness();
    });
    afterAll(async () => {
      await wall.close();
    });

    it('should fire a timer whose date is in the past at once', async () => {
      // given
      const id = unique('timer-past-wall');
      const type = unique('after-past-wall');
      await deploy(wall, timerThenTask(id, { date: '2020-01-01T00:00:00Z' }, type));
      // when
      const pik = (await wall.zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} })).processInstanceKey;
      // then
      await waitForRecords(wall.db, { processInstanceKey: pik, valueType: 'TIMER', intent: 'TRIGGERED' }, 1, undefined, 3000);
      expect((await activateOne(wall, type)).processInstanceKey).toBe(pik);
    });
  });
});
