import { startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import {
  boundaryEvent,
  callActivity,
  chain,
  definitions,
  endEvent,
  escalationDefinition,
  escalationEvent,
  eventSubProcess,
  flow,
  manualTask,
  process,
  serviceTask,
  startEvent,
  subProcess,
  throwEvent,
} from '../helpers/bpmn-xml';
import { activateOne, completeOne, deploy, unique, type Vars } from '../helpers/jobs';
import { waitForChildInstance } from '../helpers/instances';
import { instanceRecords, lifecycle, waitForInstanceEnd, type RecordRow } from '../helpers/records';

const ESCALATION = escalationDefinition('esc', 'LATE');

/**
 * Escalations through the Zeebe client: thrown by intermediate throw and end events, caught by
 * escalation boundary events (interrupting or not) and escalation event subprocesses, and —
 * unlike errors — harmless when nothing catches them.
 */
describe('escalation events through the Zeebe client', () => {
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

  const escalations = (rows: RecordRow[]) => rows.filter((r) => r.valueType === 'ESCALATION');

  /**
   * start → sp [spStart → throw (LATE) → inner (job) → spEnd] → after (job) → end, with an
   * escalation boundary event `caught` on sp leading to `onCaught` (job) → caughtEnd.
   */
  function subprocessThrowing(id: string, types: { inner: string; after: string; onCaught: string }, interrupting: boolean): string {
    return definitions(
      ESCALATION,
      process(
        id,
        startEvent(),
        subProcess('sp', [
          startEvent('spStart'),
          throwEvent('throw', escalationEvent('esc')),
          serviceTask('inner', types.inner),
          endEvent('spEnd'),
          chain('spStart', 'throw', 'inner', 'spEnd'),
        ]),
        serviceTask('after', types.after),
        endEvent(),
        chain('start', 'sp', 'after', 'end'),
        boundaryEvent('caught', 'sp', escalationEvent('esc'), { interrupting }),
        serviceTask('onCaught', types.onCaught),
        endEvent('caughtEnd'),
        chain('caught', 'onCaught', 'caughtEnd'),
      ),
    );
  }
  const typesOf = () => ({ inner: unique('inner'), after: unique('after'), onCaught: unique('on-caught') });

  describe('caught by a boundary event', () => {
    it('should run both paths when a non-interrupting boundary event on the subprocess catches an intermediate escalation', async () => {
      // given
      const id = unique('esc-non-interrupting');
      const types = typesOf();
      await deploy(h, subprocessThrowing(id, types, false));
      // when
      const pik = await start(id);
      // then
      await completeOne(h, types.onCaught);
      await completeOne(h, types.inner);
      await completeOne(h, types.after);
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      const full = (elementId: string) => [`${elementId}:ACTIVATING`, `${elementId}:ACTIVATED`, `${elementId}:COMPLETING`, `${elementId}:COMPLETED`];
      for (const elementId of ['throw', 'caught', 'inner', 'onCaught', 'sp', 'after']) expect(lifecycle(rows, [elementId])).toEqual(full(elementId));
      const position = (elementId: string, intent: string) => rows.find((r) => r.elementId === elementId && r.intent === intent)!.position;
      expect(position('caught', 'ELEMENT_ACTIVATING')).toBeLessThan(position('throw', 'ELEMENT_COMPLETED'));
      expect(escalations(rows).map((r) => r.intent)).toEqual(['ESCALATED']);
      expect(escalations(rows)[0].value).toMatchObject({ escalationCode: 'LATE', throwElementId: 'throw', processInstanceKey: Number(pik) });
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });

    it('should terminate the subprocess and its throw event when an interrupting boundary event catches the escalation', async () => {
      // given
      const id = unique('esc-interrupting');
      const types = typesOf();
      await deploy(h, subprocessThrowing(id, types, true));
      // when
      const pik = await start(id);
      // then
      await completeOne(h, types.onCaught);
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['throw', 'caught', 'inner', 'sp', 'after'])).toEqual([
        'sp:ACTIVATING',
        'sp:ACTIVATED',
        'throw:ACTIVATING',
        'throw:ACTIVATED',
        'sp:TERMINATING',
        'throw:TERMINATING',
        'throw:TERMINATED',
        'sp:TERMINATED',
        'caught:ACTIVATING',
        'caught:ACTIVATED',
        'caught:COMPLETING',
        'caught:COMPLETED',
      ]);
      expect(escalations(rows).map((r) => r.intent)).toEqual(['ESCALATED']);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });

    it('should complete an escalation end event caught by a non-interrupting boundary event, and complete its subprocess', async () => {
      // given
      const id = unique('esc-end');
      const types = typesOf();
      await deploy(
        h,
        definitions(
          ESCALATION,
          process(
            id,
            startEvent(),
            subProcess('sp', [startEvent('spStart'), endEvent('escEnd', escalationEvent('esc')), flow('spStart', 'escEnd')]),
            serviceTask('after', types.after),
            endEvent(),
            chain('start', 'sp', 'after', 'end'),
            boundaryEvent('caught', 'sp', escalationEvent('esc'), { interrupting: false }),
            serviceTask('onCaught', types.onCaught),
            endEvent('caughtEnd'),
            chain('caught', 'onCaught', 'caughtEnd'),
          ),
        ),
      );
      // when
      const pik = await start(id);
      // then
      await completeOne(h, types.after);
      await completeOne(h, types.onCaught);
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      const full = (elementId: string) => [`${elementId}:ACTIVATING`, `${elementId}:ACTIVATED`, `${elementId}:COMPLETING`, `${elementId}:COMPLETED`];
      for (const elementId of ['escEnd', 'caught', 'onCaught', 'sp', 'after']) expect(lifecycle(rows, [elementId])).toEqual(full(elementId));
      expect(escalations(rows).map((r) => `${r.intent} ${r.value.throwElementId}`)).toEqual(['ESCALATED escEnd']);
    });

    it('should catch an escalation thrown in a called process with the boundary event of the call activity', async () => {
      // given
      const childId = unique('esc-child');
      const parentId = unique('esc-parent');
      const childType = unique('child-after');
      const types = typesOf();
      await deploy(
        h,
        definitions(
          ESCALATION,
          process(childId, startEvent(), throwEvent('throw', escalationEvent('esc')), serviceTask('childAfter', childType), endEvent(), chain('start', 'throw', 'childAfter', 'end')),
        ),
        'child.bpmn',
      );
      await deploy(
        h,
        definitions(
          ESCALATION,
          process(
            parentId,
            startEvent(),
            callActivity('call', childId),
            endEvent(),
            chain('start', 'call', 'end'),
            boundaryEvent('caught', 'call', escalationEvent('esc'), { interrupting: false }),
            serviceTask('onCaught', types.onCaught),
            endEvent('caughtEnd'),
            chain('caught', 'onCaught', 'caughtEnd'),
          ),
        ),
        'parent.bpmn',
      );
      // when
      const pik = await start(parentId);
      // then
      const childKey = await waitForChildInstance(h.db, pik);
      await completeOne(h, types.onCaught);
      await completeOne(h, childType);
      await waitForInstanceEnd(h.db, pik);
      const child = await instanceRecords(h.db, childKey);
      expect(lifecycle(child, ['throw'])).toEqual(['throw:ACTIVATING', 'throw:ACTIVATED', 'throw:COMPLETING', 'throw:COMPLETED']);
      expect(escalations(child).map((r) => `${r.intent} ${r.value.throwElementId}`)).toEqual(['ESCALATED throw']);
      const parent = await instanceRecords(h.db, pik);
      expect(lifecycle(parent, ['call', 'caught'])).toEqual([
        'call:ACTIVATING',
        'call:ACTIVATED',
        'caught:ACTIVATING',
        'caught:ACTIVATED',
        'caught:COMPLETING',
        'caught:COMPLETED',
        'call:COMPLETING',
        'call:COMPLETED',
      ]);
    });
  });

  describe('uncaught', () => {
    it('should continue the process without an incident and record NOT_ESCALATED when nothing catches the escalation', async () => {
      // given
      const id = unique('esc-uncaught');
      await deploy(
        h,
        definitions(ESCALATION, process(id, startEvent(), throwEvent('throw', escalationEvent('esc')), manualTask('next'), endEvent(), chain('start', 'throw', 'next', 'end'))),
      );
      // when
      const pik = await start(id);
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(rows.filter((r) => r.valueType === 'INCIDENT')).toEqual([]);
      expect(lifecycle(rows, ['throw', 'next'])).toEqual([
        'throw:ACTIVATING',
        'throw:ACTIVATED',
        'throw:COMPLETING',
        'throw:COMPLETED',
        'next:ACTIVATING',
        'next:ACTIVATED',
        'next:COMPLETING',
        'next:COMPLETED',
      ]);
      expect(escalations(rows).map((r) => r.intent)).toEqual(['NOT_ESCALATED']);
      expect(escalations(rows)[0].value).toMatchObject({ escalationCode: 'LATE', throwElementId: 'throw' });
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });

    it('should complete an escalation end event that nothing catches', async () => {
      // given
      const id = unique('esc-end-uncaught');
      await deploy(h, definitions(ESCALATION, process(id, startEvent(), endEvent('escEnd', escalationEvent('esc')), flow('start', 'escEnd'))));
      // when
      const pik = await start(id);
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['escEnd'])).toEqual(['escEnd:ACTIVATING', 'escEnd:ACTIVATED', 'escEnd:COMPLETING', 'escEnd:COMPLETED']);
      expect(escalations(rows).map((r) => `${r.intent} ${r.value.throwElementId}`)).toEqual(['NOT_ESCALATED escEnd']);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });
  });

  describe('caught by an event subprocess', () => {
    /** The subprocess of `subprocessThrowing`, without a boundary event, and an escalation event subprocess of the process. */
    function processWithEscalationEventSubprocess(id: string, types: { inner: string; after: string; onCaught: string }, interrupting: boolean): string {
      return definitions(
        ESCALATION,
        process(
          id,
          startEvent(),
          subProcess('sp', [
            startEvent('spStart'),
            throwEvent('throw', escalationEvent('esc')),
            serviceTask('inner', types.inner),
            endEvent('spEnd'),
            chain('spStart', 'throw', 'inner', 'spEnd'),
          ]),
          serviceTask('after', types.after),
          endEvent(),
          chain('start', 'sp', 'after', 'end'),
          eventSubProcess('onEscalation', { id: 'escStart', definition: escalationEvent('esc'), interrupting }, [
            serviceTask('onCaught', types.onCaught),
            endEvent('caughtEnd'),
            chain('escStart', 'onCaught', 'caughtEnd'),
          ]),
        ),
      );
    }

    it('should start a non-interrupting escalation event subprocess and let the thrower continue', async () => {
      // given
      const id = unique('esc-esp');
      const types = typesOf();
      await deploy(h, processWithEscalationEventSubprocess(id, types, false));
      // when
      const pik = await start(id);
      // then
      await completeOne(h, types.inner);
      await completeOne(h, types.onCaught);
      await completeOne(h, types.after);
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      const full = (elementId: string) => [`${elementId}:ACTIVATING`, `${elementId}:ACTIVATED`, `${elementId}:COMPLETING`, `${elementId}:COMPLETED`];
      for (const elementId of ['throw', 'onEscalation', 'escStart', 'onCaught', 'inner', 'sp', 'after']) expect(lifecycle(rows, [elementId])).toEqual(full(elementId));
      expect(escalations(rows).map((r) => r.intent)).toEqual(['ESCALATED']);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });

    it('should terminate everything else in the process when an interrupting escalation event subprocess starts', async () => {
      // given
      const id = unique('esc-esp-interrupting');
      const types = typesOf();
      await deploy(h, processWithEscalationEventSubprocess(id, types, true));
      // when
      const pik = await start(id);
      // then
      const handler = await activateOne(h, types.onCaught);
      const caught = await instanceRecords(h.db, pik);
      expect(lifecycle(caught, ['sp', 'throw', 'onEscalation'])).toEqual([
        'sp:ACTIVATING',
        'sp:ACTIVATED',
        'throw:ACTIVATING',
        'throw:ACTIVATED',
        'sp:TERMINATING',
        'throw:TERMINATING',
        'throw:TERMINATED',
        'sp:TERMINATED',
        'onEscalation:ACTIVATING',
        'onEscalation:ACTIVATED',
      ]);
      await h.zeebe.completeJob({ jobKey: handler.key, variables: {} });
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['inner', 'after'])).toEqual([]);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });

    it('should catch the escalation with the event subprocess inside a subprocess before the boundary event on the subprocess', async () => {
      // given: Zeebe looks at a scope's event subprocesses before the boundary events attached to it
      const id = unique('esc-esp-first');
      const types = typesOf();
      await deploy(
        h,
        definitions(
          ESCALATION,
          process(
            id,
            startEvent(),
            subProcess('sp', [
              startEvent('spStart'),
              throwEvent('throw', escalationEvent('esc')),
              serviceTask('inner', types.inner),
              endEvent('spEnd'),
              chain('spStart', 'throw', 'inner', 'spEnd'),
              eventSubProcess('insideEsp', { id: 'insideStart', definition: escalationEvent('esc'), interrupting: false }, [
                endEvent('insideEnd'),
                flow('insideStart', 'insideEnd'),
              ]),
            ]),
            endEvent(),
            chain('start', 'sp', 'end'),
            boundaryEvent('outside', 'sp', escalationEvent('esc'), { interrupting: false }),
            serviceTask('onCaught', types.onCaught),
            endEvent('outsideEnd'),
            chain('outside', 'onCaught', 'outsideEnd'),
          ),
        ),
      );
      // when
      const pik = await start(id);
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['outside', 'insideEsp'])).toEqual(['insideEsp:ACTIVATING', 'insideEsp:ACTIVATED', 'insideEsp:COMPLETING', 'insideEsp:COMPLETED']);
      await completeOne(h, types.inner);
      await waitForInstanceEnd(h.db, pik);
    });
  });

  describe('records', () => {
    it('should name the catch event in ESCALATED and leave it empty in NOT_ESCALATED', async () => {
      // given
      const caughtId = unique('esc-record-caught');
      const uncaughtId = unique('esc-record-uncaught');
      const types = typesOf();
      await deploy(h, subprocessThrowing(caughtId, types, true), 'caught.bpmn');
      await deploy(h, definitions(ESCALATION, process(uncaughtId, startEvent(), throwEvent('throw', escalationEvent('esc')), endEvent(), chain('start', 'throw', 'end'))), 'uncaught.bpmn');
      // when
      const caughtPik = await start(caughtId);
      const uncaughtPik = await start(uncaughtId);
      // then
      await completeOne(h, types.onCaught);
      await waitForInstanceEnd(h.db, caughtPik);
      await waitForInstanceEnd(h.db, uncaughtPik);
      const [escalated] = escalations(await instanceRecords(h.db, caughtPik));
      const [notEscalated] = escalations(await instanceRecords(h.db, uncaughtPik));
      expect(escalated.value).toMatchObject({ escalationCode: 'LATE', throwElementId: 'throw', catchElementId: 'caught' });
      expect(notEscalated.value).toMatchObject({ escalationCode: 'LATE', throwElementId: 'throw', catchElementId: '' });
    });
  });
});
