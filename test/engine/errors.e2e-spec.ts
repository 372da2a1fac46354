import { startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import {
  boundaryEvent,
  callActivity,
  chain,
  definitions,
  endEvent,
  errorDefinition,
  errorEvent,
  eventSubProcess,
  flow,
  ioMapping,
  parallelGateway,
  process,
  serviceTask,
  startEvent,
  subProcess,
} from '../helpers/bpmn-xml';
import { activateNow, activateOne, completeOne, deploy, grpcError, unique, type Vars } from '../helpers/jobs';
import { variableWrites, waitForChildInstance, waitForIncident } from '../helpers/instances';
import { describeRecords, elementInstanceKey, instanceRecords, lifecycle, waitForInstanceEnd, waitForRecord, type RecordRow } from '../helpers/records';

/**
 * BPMN errors through the Zeebe client: ThrowError from a job worker and error end events,
 * caught by boundary events and error event subprocesses up the scope hierarchy (across call
 * activities), or left uncaught as UNHANDLED_ERROR_EVENT incidents.
 */
describe('error events through the Zeebe client', () => {
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

  async function throwFrom(type: string, errorCode: string, errorMessage = '', variables: Vars = {}) {
    const job = await activateOne(h, type);
    await h.zeebe.throwError({ jobKey: job.key, errorCode, errorMessage, variables });
    return job;
  }

  const jobStory = (rows: RecordRow[], elementId: string) =>
    rows.filter((r) => r.valueType === 'JOB' && r.elementId === elementId).map((r) => r.intent);

  /** start → task → end, with `boundaries` attached to the task, each leading to its own end event. */
  function taskWithBoundaries(id: string, type: string, boundaries: { id: string; errorRef?: string }[], extra: string[] = []): string {
    return definitions(
      errorDefinition('errCode', 'CODE'),
      errorDefinition('errOther', 'OTHER'),
      process(
        id,
        startEvent(),
        serviceTask('task', type),
        endEvent(),
        chain('start', 'task', 'end'),
        ...boundaries.flatMap((b) => [boundaryEvent(b.id, 'task', errorEvent(b.errorRef)), endEvent(`${b.id}End`), flow(b.id, `${b.id}End`)]),
        ...extra,
      ),
    );
  }

  describe('caught by a boundary event', () => {
    it('should terminate the task, not cancel its job, and take the boundary path when the error code matches', async () => {
      // given
      const id = unique('err-boundary');
      const type = unique('work');
      const handleType = unique('handle');
      await deploy(
        h,
        definitions(
          errorDefinition('errCode', 'CODE'),
          process(
            id,
            startEvent(),
            serviceTask('task', type),
            endEvent(),
            chain('start', 'task', 'end'),
            boundaryEvent('caught', 'task', errorEvent('errCode')),
            serviceTask('handle', handleType),
            endEvent('handled'),
            chain('caught', 'handle', 'handled'),
          ),
        ),
      );
      const pik = await start(id);
      // when
      const job = await throwFrom(type, 'CODE', 'card declined');
      // then
      await completeOne(h, handleType);
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(jobStory(rows, 'task')).toEqual(['CREATED', 'ERROR_THROWN']);
      const thrown = rows.find((r) => r.valueType === 'JOB' && r.intent === 'ERROR_THROWN')!;
      expect(thrown.key).toBe(job.key);
      expect(thrown.value).toMatchObject({ errorCode: 'CODE', errorMessage: 'card declined', elementId: 'task' });
      expect(
        describeRecords(rows.filter((r) => r.position >= thrown.position && (r.valueType === 'JOB' || ['task', 'caught', 'handle', 'end'].includes(r.elementId ?? '')))),
      ).toEqual([
        'JOB ERROR_THROWN task',
        'PROCESS_INSTANCE ELEMENT_TERMINATING task',
        'PROCESS_INSTANCE ELEMENT_TERMINATED task',
        'PROCESS_INSTANCE ELEMENT_ACTIVATING caught',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED caught',
        'PROCESS_INSTANCE ELEMENT_COMPLETING caught',
        'PROCESS_INSTANCE ELEMENT_COMPLETED caught',
        'PROCESS_INSTANCE ELEMENT_ACTIVATING handle',
        'JOB CREATED handle',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED handle',
        'JOB COMPLETED handle',
        'PROCESS_INSTANCE ELEMENT_COMPLETING handle',
        'PROCESS_INSTANCE ELEMENT_COMPLETED handle',
      ]);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
      expect(rows.filter((r) => r.valueType === 'INCIDENT')).toEqual([]);
      const late = await grpcError(() => h.zeebe.completeJob({ jobKey: job.key, variables: {} }));
      expect(late.code).toBe(5);
    });

    it('should make the ThrowError variables visible after the boundary event through its output mappings', async () => {
      // given
      const id = unique('err-vars-out');
      const type = unique('work');
      const nextType = unique('next');
      await deploy(
        h,
        definitions(
          errorDefinition('errCode', 'CODE'),
          process(
            id,
            startEvent(),
            serviceTask('task', type),
            endEvent(),
            chain('start', 'task', 'end'),
            boundaryEvent('caught', 'task', errorEvent('errCode'), { extensions: ioMapping({ outputs: [['=reason', 'errorReason']] }) }),
            serviceTask('next', nextType),
            endEvent('handled'),
            chain('caught', 'next', 'handled'),
          ),
        ),
      );
      const pik = await start(id);
      // when
      await throwFrom(type, 'CODE', '', { reason: 'card expired', attempt: 2 });
      // then
      const next = await activateOne(h, nextType);
      expect(next.variables).toEqual({ errorReason: 'card expired' });
      const rows = await instanceRecords(h.db, pik);
      const caughtKey = await elementInstanceKey(h.db, pik, 'caught');
      expect(variableWrites(rows, { process: pik, caught: caughtKey })).toEqual([
        'reason@caught="card expired"',
        'attempt@caught=2',
        'errorReason@process="card expired"',
      ]);
    });

    it('should keep the ThrowError variables local to a boundary event without output mappings', async () => {
      // given: Zeebe creates the error variables on the catch event only (JobThrowErrorTest)
      const id = unique('err-vars-local');
      const type = unique('work');
      const nextType = unique('next');
      await deploy(
        h,
        definitions(
          errorDefinition('errCode', 'CODE'),
          process(
            id,
            startEvent(),
            serviceTask('task', type),
            endEvent(),
            chain('start', 'task', 'end'),
            boundaryEvent('caught', 'task', errorEvent('errCode')),
            serviceTask('next', nextType),
            endEvent('handled'),
            chain('caught', 'next', 'handled'),
          ),
        ),
      );
      const pik = await start(id);
      // when
      await throwFrom(type, 'CODE', '', { reason: 'card expired' });
      // then
      const next = await activateOne(h, nextType);
      const rows = await instanceRecords(h.db, pik);
      const caughtKey = await elementInstanceKey(h.db, pik, 'caught');
      expect(variableWrites(rows, { process: pik, caught: caughtKey })).toEqual(['reason@caught="card expired"']);
      expect(next.variables).toEqual({});
    });

    it('should prefer the boundary event with the exact error code over a catch-all one on the same activity', async () => {
      // given: the catch-all comes first in the document
      const id = unique('err-exact');
      const type = unique('work');
      await deploy(h, taskWithBoundaries(id, type, [{ id: 'catchAll' }, { id: 'exact', errorRef: 'errCode' }]));
      const pik = await start(id);
      // when
      await throwFrom(type, 'CODE');
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['exact', 'catchAll'])).toEqual(['exact:ACTIVATING', 'exact:ACTIVATED', 'exact:COMPLETING', 'exact:COMPLETED']);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });

    it('should catch any error code with a catch-all boundary event', async () => {
      // given
      const id = unique('err-catch-all');
      const type = unique('work');
      await deploy(h, taskWithBoundaries(id, type, [{ id: 'exact', errorRef: 'errOther' }, { id: 'catchAll' }]));
      const pik = await start(id);
      // when
      await throwFrom(type, 'SOMETHING-ELSE');
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['task', 'exact', 'catchAll'])).toEqual([
        'task:ACTIVATING',
        'task:ACTIVATED',
        'task:TERMINATING',
        'task:TERMINATED',
        'catchAll:ACTIVATING',
        'catchAll:ACTIVATED',
        'catchAll:COMPLETING',
        'catchAll:COMPLETED',
      ]);
      expect(rows.filter((r) => r.valueType === 'INCIDENT')).toEqual([]);
    });
  });

  describe('caught in an enclosing scope', () => {
    it('should catch the error with the boundary event of the enclosing subprocess and terminate the inner task and the subprocess', async () => {
      // given
      const id = unique('err-sp-boundary');
      const type = unique('work');
      await deploy(
        h,
        definitions(
          errorDefinition('errCode', 'CODE'),
          process(
            id,
            startEvent(),
            subProcess('sp', [startEvent('spStart'), serviceTask('task', type), endEvent('spEnd'), chain('spStart', 'task', 'spEnd')]),
            endEvent(),
            chain('start', 'sp', 'end'),
            boundaryEvent('caught', 'sp', errorEvent('errCode')),
            endEvent('handled'),
            flow('caught', 'handled'),
          ),
        ),
      );
      const pik = await start(id);
      // when
      await throwFrom(type, 'CODE');
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      const thrown = rows.find((r) => r.valueType === 'JOB' && r.intent === 'ERROR_THROWN')!;
      expect(lifecycle(rows.filter((r) => r.position > thrown.position))).toEqual([
        'sp:TERMINATING',
        'task:TERMINATING',
        'task:TERMINATED',
        'sp:TERMINATED',
        'caught:ACTIVATING',
        'caught:ACTIVATED',
        'caught:COMPLETING',
        'caught:COMPLETED',
        'caught-handled:SEQUENCE_FLOW_TAKEN',
        'handled:ACTIVATING',
        'handled:ACTIVATED',
        'handled:COMPLETING',
        'handled:COMPLETED',
        `${id}:COMPLETING`,
        `${id}:COMPLETED`,
      ]);
      expect(jobStory(rows, 'task')).toEqual(['CREATED', 'ERROR_THROWN']);
    });

    it('should catch the error with an error event subprocess of the process and terminate the other branches', async () => {
      // given
      const id = unique('err-esp');
      const type = unique('work');
      const otherType = unique('other');
      const handleType = unique('handle');
      await deploy(
        h,
        definitions(
          errorDefinition('errCode', 'CODE'),
          process(
            id,
            startEvent(),
            parallelGateway('fork'),
            serviceTask('task', type),
            serviceTask('other', otherType),
            endEvent('endA'),
            endEvent('endB'),
            chain('start', 'fork', 'task', 'endA'),
            chain('fork', 'other', 'endB'),
            eventSubProcess('onError', { id: 'errorStart', definition: errorEvent('errCode') }, [
              serviceTask('handle', handleType),
              endEvent('handled'),
              chain('errorStart', 'handle', 'handled'),
            ]),
          ),
        ),
      );
      const pik = await start(id);
      await waitForRecord(h.db, { processInstanceKey: pik, elementId: 'other', intent: 'ELEMENT_ACTIVATED' });
      // when
      await throwFrom(type, 'CODE', '', { reason: 'stock' });
      // then
      const handle = await activateOne(h, handleType);
      expect(handle.variables).toMatchObject({ reason: 'stock' });
      expect(await activateNow(h, otherType)).toEqual([]);
      await h.zeebe.completeJob({ jobKey: handle.key, variables: {} });
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      const thrown = rows.find((r) => r.valueType === 'JOB' && r.intent === 'ERROR_THROWN')!;
      expect(lifecycle(rows.filter((r) => r.position > thrown.position)).slice(0, 6)).toEqual([
        'task:TERMINATING',
        'task:TERMINATED',
        'other:TERMINATING',
        'other:TERMINATED',
        'onError:ACTIVATING',
        'onError:ACTIVATED',
      ]);
      expect(jobStory(rows, 'other')).toEqual(['CREATED', 'CANCELED']);
      expect(jobStory(rows, 'task')).toEqual(['CREATED', 'ERROR_THROWN']);
      expect(lifecycle(rows, ['onError', id]).slice(-6)).toEqual([
        'onError:ACTIVATING',
        'onError:ACTIVATED',
        'onError:COMPLETING',
        'onError:COMPLETED',
        `${id}:COMPLETING`,
        `${id}:COMPLETED`,
      ]);
      expect(variableWrites(rows, { process: pik })).toEqual(['reason@process="stock"']);
    });

    it('should catch the error in the event subprocess inside a subprocess before the boundary event on the subprocess', async () => {
      // given: Zeebe looks at a scope's event subprocesses before the boundary events attached to it
      const id = unique('err-esp-first');
      const type = unique('work');
      const insideType = unique('inside');
      await deploy(
        h,
        definitions(
          errorDefinition('errCode', 'CODE'),
          process(
            id,
            startEvent(),
            subProcess('sp', [
              startEvent('spStart'),
              serviceTask('task', type),
              endEvent('spEnd'),
              chain('spStart', 'task', 'spEnd'),
              eventSubProcess('inner', { id: 'innerStart', definition: errorEvent('errCode') }, [
                serviceTask('insideHandler', insideType),
                endEvent('innerEnd'),
                chain('innerStart', 'insideHandler', 'innerEnd'),
              ]),
            ]),
            endEvent(),
            chain('start', 'sp', 'end'),
            boundaryEvent('outside', 'sp', errorEvent('errCode')),
            endEvent('outsideEnd'),
            flow('outside', 'outsideEnd'),
          ),
        ),
      );
      const pik = await start(id);
      // when
      await throwFrom(type, 'CODE');
      // then
      const caught = await instanceRecords(h.db, pik);
      expect(lifecycle(caught, ['sp', 'task', 'inner', 'outside'])).toEqual([
        'sp:ACTIVATING',
        'sp:ACTIVATED',
        'task:ACTIVATING',
        'task:ACTIVATED',
        'task:TERMINATING',
        'task:TERMINATED',
        'inner:ACTIVATING',
        'inner:ACTIVATED',
      ]);
      await completeOne(h, insideType);
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['sp', 'inner', 'outside', 'end'])).toEqual([
        'sp:ACTIVATING',
        'sp:ACTIVATED',
        'inner:ACTIVATING',
        'inner:ACTIVATED',
        'inner:COMPLETING',
        'inner:COMPLETED',
        'sp:COMPLETING',
        'sp:COMPLETED',
        'end:ACTIVATING',
        'end:ACTIVATED',
        'end:COMPLETING',
        'end:COMPLETED',
      ]);
    });

    it('should catch an error thrown in a called process with the boundary event of the call activity and terminate the child instance', async () => {
      // given
      const childId = unique('err-child');
      const parentId = unique('err-parent');
      const type = unique('child-work');
      await deploy(h, definitions(process(childId, startEvent(), serviceTask('childTask', type), endEvent(), chain('start', 'childTask', 'end'))), 'child.bpmn');
      await deploy(
        h,
        definitions(
          errorDefinition('errCode', 'CODE'),
          process(
            parentId,
            startEvent(),
            callActivity('call', childId),
            endEvent(),
            chain('start', 'call', 'end'),
            boundaryEvent('caught', 'call', errorEvent('errCode')),
            endEvent('handled'),
            flow('caught', 'handled'),
          ),
        ),
        'parent.bpmn',
      );
      const pik = await start(parentId);
      const childKey = await waitForChildInstance(h.db, pik);
      // when
      await throwFrom(type, 'CODE');
      // then
      await waitForInstanceEnd(h.db, pik);
      const child = await instanceRecords(h.db, childKey);
      expect(lifecycle(child, [childId, 'childTask']).slice(-4)).toEqual([
        `${childId}:TERMINATING`,
        'childTask:TERMINATING',
        'childTask:TERMINATED',
        `${childId}:TERMINATED`,
      ]);
      expect(jobStory(child, 'childTask')).toEqual(['CREATED', 'ERROR_THROWN']);
      const parent = await instanceRecords(h.db, pik);
      expect(lifecycle(parent, ['call', 'caught', 'handled', parentId]).slice(-12)).toEqual([
        'call:TERMINATING',
        'call:TERMINATED',
        'caught:ACTIVATING',
        'caught:ACTIVATED',
        'caught:COMPLETING',
        'caught:COMPLETED',
        'handled:ACTIVATING',
        'handled:ACTIVATED',
        'handled:COMPLETING',
        'handled:COMPLETED',
        `${parentId}:COMPLETING`,
        `${parentId}:COMPLETED`,
      ]);
      expect(parent.at(-1)).toMatchObject({ elementId: parentId, intent: 'ELEMENT_COMPLETED' });
      const childTerminated = child.find((r) => r.elementId === childId && r.intent === 'ELEMENT_TERMINATED')!;
      const callTerminated = parent.find((r) => r.elementId === 'call' && r.intent === 'ELEMENT_TERMINATED')!;
      expect(childTerminated.position).toBeLessThan(callTerminated.position);
    });
  });

  describe('exact code and catch-all on different levels', () => {
    // Zeebe searches scope by scope outward (CatchEventAnalyzer): within one scope an exact code
    // beats a catch-all, but the first scope with any match wins ("At each scope, the error is
    // either caught, or propagated to the parent scope" — docs, error events).
    it('should catch the error with the catch-all boundary event of the task before the exact-code boundary event of the enclosing subprocess', async () => {
      // given
      const id = unique('err-inner-catch-all');
      const type = unique('work');
      await deploy(
        h,
        definitions(
          errorDefinition('errCode', 'CODE'),
          process(
            id,
            startEvent(),
            subProcess('sp', [
              startEvent('spStart'),
              serviceTask('task', type),
              endEvent('spEnd'),
              chain('spStart', 'task', 'spEnd'),
              boundaryEvent('innerCatchAll', 'task', errorEvent()),
              endEvent('innerHandled'),
              flow('innerCatchAll', 'innerHandled'),
            ]),
            endEvent(),
            chain('start', 'sp', 'end'),
            boundaryEvent('outerExact', 'sp', errorEvent('errCode')),
            endEvent('outerHandled'),
            flow('outerExact', 'outerHandled'),
          ),
        ),
      );
      const pik = await start(id);
      // when
      await throwFrom(type, 'CODE');
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['task', 'innerCatchAll', 'innerHandled', 'outerExact', 'outerHandled', 'sp'])).toEqual([
        'sp:ACTIVATING',
        'sp:ACTIVATED',
        'task:ACTIVATING',
        'task:ACTIVATED',
        'task:TERMINATING',
        'task:TERMINATED',
        'innerCatchAll:ACTIVATING',
        'innerCatchAll:ACTIVATED',
        'innerCatchAll:COMPLETING',
        'innerCatchAll:COMPLETED',
        'innerHandled:ACTIVATING',
        'innerHandled:ACTIVATED',
        'innerHandled:COMPLETING',
        'innerHandled:COMPLETED',
        'sp:COMPLETING',
        'sp:COMPLETED',
      ]);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
      expect(rows.filter((r) => r.valueType === 'INCIDENT')).toEqual([]);
    });

    it('should catch an error of a called process without catch events with the catch-all boundary event of the call activity before an exact-code event subprocess of the parent', async () => {
      // given: the call activity is the nearer scope; the parent's event subprocess is one level further out
      const childId = unique('err-child-nocatch');
      const parentId = unique('err-parent-catch-all');
      const type = unique('child-work');
      const espType = unique('esp-handler');
      await deploy(h, definitions(process(childId, startEvent(), serviceTask('childTask', type), endEvent(), chain('start', 'childTask', 'end'))), 'child.bpmn');
      await deploy(
        h,
        definitions(
          errorDefinition('errCode', 'CODE'),
          process(
            parentId,
            startEvent(),
            callActivity('call', childId),
            endEvent(),
            chain('start', 'call', 'end'),
            boundaryEvent('callCatchAll', 'call', errorEvent()),
            endEvent('callHandled'),
            flow('callCatchAll', 'callHandled'),
            eventSubProcess('onError', { id: 'errorStart', definition: errorEvent('errCode') }, [
              serviceTask('espHandler', espType),
              endEvent('espEnd'),
              chain('errorStart', 'espHandler', 'espEnd'),
            ]),
          ),
        ),
        'parent.bpmn',
      );
      const pik = await start(parentId);
      const childKey = await waitForChildInstance(h.db, pik);
      // when
      await throwFrom(type, 'CODE');
      // then
      await waitForInstanceEnd(h.db, pik);
      const parent = await instanceRecords(h.db, pik);
      expect(lifecycle(parent, ['call', 'callCatchAll', 'onError'])).toEqual([
        'call:ACTIVATING',
        'call:ACTIVATED',
        'call:TERMINATING',
        'call:TERMINATED',
        'callCatchAll:ACTIVATING',
        'callCatchAll:ACTIVATED',
        'callCatchAll:COMPLETING',
        'callCatchAll:COMPLETED',
      ]);
      expect(parent.at(-1)).toMatchObject({ elementId: parentId, intent: 'ELEMENT_COMPLETED' });
      expect(lifecycle(await instanceRecords(h.db, childKey), [childId]).slice(-2)).toEqual([`${childId}:TERMINATING`, `${childId}:TERMINATED`]);
      expect(await activateNow(h, espType)).toEqual([]);
    });
  });

  describe('error end events', () => {
    it('should catch an error end event inside a subprocess with the boundary event of the subprocess', async () => {
      // given
      const id = unique('err-end-caught');
      await deploy(
        h,
        definitions(
          errorDefinition('errCode', 'CODE'),
          process(
            id,
            startEvent(),
            subProcess('sp', [startEvent('spStart'), endEvent('fail', errorEvent('errCode')), flow('spStart', 'fail')]),
            endEvent(),
            chain('start', 'sp', 'end'),
            boundaryEvent('caught', 'sp', errorEvent('errCode')),
            endEvent('handled'),
            flow('caught', 'handled'),
          ),
        ),
      );
      // when
      const pik = await start(id);
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['sp', 'fail', 'caught', 'end', 'handled'])).toEqual([
        'sp:ACTIVATING',
        'sp:ACTIVATED',
        'fail:ACTIVATING',
        'fail:ACTIVATED',
        'sp:TERMINATING',
        'fail:TERMINATING',
        'fail:TERMINATED',
        'sp:TERMINATED',
        'caught:ACTIVATING',
        'caught:ACTIVATED',
        'caught:COMPLETING',
        'caught:COMPLETED',
        'handled:ACTIVATING',
        'handled:ACTIVATED',
        'handled:COMPLETING',
        'handled:COMPLETED',
      ]);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });

    it('should raise an UNHANDLED_ERROR_EVENT incident on an error end event that nothing catches', async () => {
      // given
      const id = unique('err-end-uncaught');
      await deploy(
        h,
        definitions(errorDefinition('errCode', 'CODE'), process(id, startEvent(), endEvent('fail', errorEvent('errCode')), flow('start', 'fail'))),
      );
      // when
      const pik = await start(id);
      // then
      const incident = await waitForIncident(h.db, pik);
      const failKey = await elementInstanceKey(h.db, pik, 'fail');
      expect(incident.value).toMatchObject({
        errorType: 'UNHANDLED_ERROR_EVENT',
        errorMessage: "Expected to throw an error event with the code 'CODE', but it was not caught. No error events are available in the scope.",
        elementId: 'fail',
        elementInstanceKey: Number(failKey),
        jobKey: -1,
      });
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['fail'])).toEqual(['fail:ACTIVATING']);
    });
  });

  describe('uncaught errors', () => {
    it('should raise an UNHANDLED_ERROR_EVENT incident and make the job activatable again once the incident is resolved', async () => {
      // given
      const id = unique('err-uncaught');
      const type = unique('work');
      await deploy(h, definitions(process(id, startEvent(), serviceTask('task', type), endEvent(), chain('start', 'task', 'end'))));
      const pik = await start(id);
      // when
      const job = await throwFrom(type, 'UNKNOWN', 'boom');
      // then
      const incident = await waitForIncident(h.db, pik);
      expect(incident.value).toMatchObject({
        errorType: 'UNHANDLED_ERROR_EVENT',
        errorMessage: "Expected to throw an error event with the code 'UNKNOWN' with message 'boom', but it was not caught. No error events are available in the scope.",
        elementId: 'task',
        jobKey: Number(job.key),
      });
      expect(await activateNow(h, type)).toEqual([]);
      await h.zeebe.resolveIncident({ incidentKey: incident.key });
      const again = await activateOne(h, type);
      expect(again.key).toBe(job.key);
      await h.zeebe.completeJob({ jobKey: again.key, variables: {} });
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(rows.filter((r) => r.valueType === 'JOB' || r.valueType === 'INCIDENT').map((r) => `${r.valueType} ${r.intent}`)).toEqual([
        'JOB CREATED',
        'JOB ERROR_THROWN',
        'INCIDENT CREATED',
        'INCIDENT RESOLVED',
        'JOB COMPLETED',
      ]);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });

    it('should leave the message out of the incident when ThrowError has no error message', async () => {
      // given
      const id = unique('err-uncaught-nomsg');
      const type = unique('work');
      await deploy(h, definitions(process(id, startEvent(), serviceTask('task', type), endEvent(), chain('start', 'task', 'end'))));
      const pik = await start(id);
      // when
      await throwFrom(type, 'UNKNOWN');
      // then
      const incident = await waitForIncident(h.db, pik);
      expect(incident.value.errorMessage).toBe(
        "Expected to throw an error event with the code 'UNKNOWN', but it was not caught. No error events are available in the scope.",
      );
    });

    it('should list the error codes it could have been caught by when no catch event matches', async () => {
      // given
      const id = unique('err-uncaught-available');
      const type = unique('work');
      await deploy(h, taskWithBoundaries(id, type, [{ id: 'other', errorRef: 'errOther' }]));
      const pik = await start(id);
      // when
      await throwFrom(type, 'UNKNOWN');
      // then
      const incident = await waitForIncident(h.db, pik);
      expect(incident.value).toMatchObject({
        errorType: 'UNHANDLED_ERROR_EVENT',
        errorMessage: "Expected to throw an error event with the code 'UNKNOWN', but it was not caught. Available error events are [OTHER]",
      });
    });

    it('should raise the UNHANDLED_ERROR_EVENT incident on the job element of the called instance when neither the child nor the parent catches the error', async () => {
      // given: Zeebe attaches the incident to the element whose job threw the error, here in the child
      const childId = unique('err-child-uncaught');
      const parentId = unique('err-parent-uncaught');
      const type = unique('child-work');
      await deploy(h, definitions(process(childId, startEvent(), serviceTask('childTask', type), endEvent(), chain('start', 'childTask', 'end'))), 'child.bpmn');
      await deploy(h, definitions(process(parentId, startEvent(), callActivity('call', childId), endEvent(), chain('start', 'call', 'end'))), 'parent.bpmn');
      const pik = await start(parentId);
      const childKey = await waitForChildInstance(h.db, pik);
      // when
      const job = await throwFrom(type, 'UNKNOWN');
      // then
      const incident = await waitForIncident(h.db, childKey);
      const childTaskKey = await elementInstanceKey(h.db, childKey, 'childTask');
      expect(incident.processInstanceKey).toBe(childKey);
      expect(incident.value).toMatchObject({
        errorType: 'UNHANDLED_ERROR_EVENT',
        errorMessage: "Expected to throw an error event with the code 'UNKNOWN', but it was not caught. No error events are available in the scope.",
        bpmnProcessId: childId,
        processInstanceKey: Number(childKey),
        elementId: 'childTask',
        elementInstanceKey: Number(childTaskKey),
        jobKey: Number(job.key),
      });
      expect(await instanceRecords(h.db, pik, { valueType: 'INCIDENT' })).toEqual([]);
      expect(lifecycle(await instanceRecords(h.db, pik), ['call'])).toEqual(['call:ACTIVATING', 'call:ACTIVATED']);
      // and when the incident is resolved, the child's job can be completed and both instances complete
      await h.zeebe.resolveIncident({ incidentKey: incident.key });
      await completeOne(h, type);
      await waitForInstanceEnd(h.db, pik);
      expect((await instanceRecords(h.db, childKey)).at(-1)).toMatchObject({ elementId: childId, intent: 'ELEMENT_COMPLETED' });
    });
  });

  describe('rejections', () => {
    it('should reject ThrowError with a blank error code with INVALID_ARGUMENT and leave the job activated', async () => {
      // given
      const id = unique('err-blank');
      const type = unique('work');
      await deploy(h, definitions(process(id, startEvent(), serviceTask('task', type), endEvent(), chain('start', 'task', 'end'))));
      const pik = await start(id);
      const job = await activateOne(h, type);
      // when
      const error = await grpcError(() => h.zeebe.throwError({ jobKey: job.key, errorCode: '  ', errorMessage: 'x' }));
      // then
      expect(error.code).toBe(3);
      expect(error.details).toContain('errorCode');
      await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(jobStory(rows, 'task')).toEqual(['CREATED', 'COMPLETED']);
    });

    it('should reject ThrowError on a job that is not activated with FAILED_PRECONDITION', async () => {
      // given
      const id = unique('err-not-activated');
      const type = unique('work');
      await deploy(h, definitions(process(id, startEvent(), serviceTask('task', type), endEvent(), chain('start', 'task', 'end'))));
      const pik = await start(id);
      const created = await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'JOB', intent: 'CREATED' });
      // when
      const error = await grpcError(() => h.zeebe.throwError({ jobKey: created.key, errorCode: 'CODE', errorMessage: '' }));
      // then
      expect(error.code).toBe(9);
      expect(error.details).toBe(
        `Command 'THROW_ERROR' rejected with code 'INVALID_STATE': Expected to throw an error for job with key '${created.key}', but it is in state 'ACTIVATABLE'`,
      );
      expect(await activateOne(h, type)).toMatchObject({ key: created.key });
    });

    it('should reject a second ThrowError on a job whose error was not caught with FAILED_PRECONDITION', async () => {
      // given
      const id = unique('err-twice');
      const type = unique('work');
      await deploy(h, definitions(process(id, startEvent(), serviceTask('task', type), endEvent(), chain('start', 'task', 'end'))));
      const pik = await start(id);
      const job = await throwFrom(type, 'UNKNOWN');
      await waitForIncident(h.db, pik);
      // when
      const error = await grpcError(() => h.zeebe.throwError({ jobKey: job.key, errorCode: 'UNKNOWN', errorMessage: '' }));
      // then
      expect(error.code).toBe(9);
      expect(error.details).toBe(
        `Command 'THROW_ERROR' rejected with code 'INVALID_STATE': Expected to throw an error for job with key '${job.key}', but it is in state 'ERROR_THROWN'`,
      );
    });
  });
});
