import { startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import { processBuilder } from '../helpers/bpmn';
import { callActivity, chain, definitions, endEvent, executionListeners, multiInstance, process, serviceTask, startEvent } from '../helpers/bpmn-xml';
import { waitForChildInstance } from '../helpers/instances';
import { activate, activateNow, activateOne, completeOne, deploy, grpcError, unique, type Vars } from '../helpers/jobs';
import { describeRecords, elementInstanceKey, instanceRecords, lifecycle, records, waitForInstanceEnd, type RecordRow } from '../helpers/records';

describe('execution listeners through the Zeebe client', () => {
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

  /** PROCESS_INSTANCE records of `elementIds` and JOB records, as `VALUE_TYPE INTENT elementId`. */
  const story = (rows: RecordRow[], elementIds: string[]) =>
    describeRecords(rows.filter((r) => r.valueType === 'JOB' || (r.valueType === 'PROCESS_INSTANCE' && elementIds.includes(r.elementId ?? ''))));

  function processListeners(listeners: { eventType: 'start' | 'end'; type: string }[]): string {
    return `<bpmn:extensionElements><zeebe:executionListeners>${listeners
      .map((l) => `<zeebe:executionListener eventType="${l.eventType}" type="${l.type}"/>`)
      .join('')}</zeebe:executionListeners></bpmn:extensionElements>`;
  }

  describe('on a service task', () => {
    function taskWithListeners(id: string, types: { start: string; work: string; end: string; after: string }): string {
      return processBuilder(id)
        .start()
        .serviceTask('task', {
          type: types.work,
          listeners: [
            { eventType: 'start', type: types.start },
            { eventType: 'end', type: types.end },
          ],
        })
        .serviceTask('after', { type: types.after })
        .end()
        .chain('start', 'task', 'after', 'end')
        .xml();
    }
    const typesOf = () => ({ start: unique('el-start'), work: unique('work'), end: unique('el-end'), after: unique('after') });

    it('should run the start listener job before the task job exists', async () => {
      // given
      const id = unique('el-task-start');
      const types = typesOf();
      await deploy(h, taskWithListeners(id, types));
      // when
      const pik = await start(id);
      // then
      const listener = await activateOne(h, types.start);
      expect(await activateNow(h, types.work)).toEqual([]);
      const rows = await instanceRecords(h.db, pik);
      const taskKey = rows.find((r) => r.elementId === 'task' && r.intent === 'ELEMENT_ACTIVATING')!.key;
      expect(listener).toMatchObject({ elementId: 'task', elementInstanceKey: taskKey, processInstanceKey: pik, bpmnProcessId: id });
      expect(lifecycle(rows, ['task'])).toEqual(['task:ACTIVATING']);
      const created = rows.find((r) => r.valueType === 'JOB' && r.intent === 'CREATED')!;
      expect(created.value).toMatchObject({ type: types.start, jobKind: 'EXECUTION_LISTENER', jobListenerEventType: 'START', elementId: 'task' });
    });

    it('should create the task job once the start listener job completed', async () => {
      // given
      const id = unique('el-task-then-job');
      const types = typesOf();
      await deploy(h, taskWithListeners(id, types));
      const pik = await start(id);
      // when
      await completeOne(h, types.start);
      // then
      const job = await activateOne(h, types.work);
      expect(job.elementId).toBe('task');
      const rows = await instanceRecords(h.db, pik);
      expect(story(rows, ['task'])).toEqual([
        'PROCESS_INSTANCE ELEMENT_ACTIVATING task',
        'JOB CREATED task',
        'JOB COMPLETED task',
        'JOB CREATED task',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED task',
      ]);
    });

    it('should run the end listener job after the task job completed and before the task completes', async () => {
      // given
      const id = unique('el-task-end');
      const types = typesOf();
      await deploy(h, taskWithListeners(id, types));
      const pik = await start(id);
      await completeOne(h, types.start);
      // when
      await completeOne(h, types.work);
      // then
      const listener = await activateOne(h, types.end);
      expect(listener.elementId).toBe('task');
      expect(await activateNow(h, types.after)).toEqual([]);
      let rows = await instanceRecords(h.db, pik);
      expect(listener.elementInstanceKey).toBe(rows.find((r) => r.elementId === 'task')!.key);
      expect(lifecycle(rows, ['task']).at(-1)).toBe('task:COMPLETING');
      expect(rows.filter((r) => r.valueType === 'JOB').at(-1)!.value).toMatchObject({ type: types.end, jobKind: 'EXECUTION_LISTENER', jobListenerEventType: 'END' });
      // and when the end listener completes, the task completes and the process moves on
      await h.zeebe.completeJob({ jobKey: listener.key, variables: {} });
      rows = await instanceRecords(h.db, pik);
      expect(story(rows, ['task'])).toEqual([
        'PROCESS_INSTANCE ELEMENT_ACTIVATING task',
        'JOB CREATED task',
        'JOB COMPLETED task',
        'JOB CREATED task',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED task',
        'JOB COMPLETED task',
        'PROCESS_INSTANCE ELEMENT_COMPLETING task',
        'JOB CREATED task',
        'JOB COMPLETED task',
        'PROCESS_INSTANCE ELEMENT_COMPLETED task',
        'JOB CREATED after',
      ]);
    });

    it('should set the variables of a start listener as locals of the element', async () => {
      // given
      const id = unique('el-start-vars');
      const types = typesOf();
      await deploy(h, taskWithListeners(id, types));
      const pik = await start(id, { input: 1 });
      // when
      await completeOne(h, types.start, { fromStart: 'yes' });
      // then: the task's job sees it, the element after the task does not
      const job = await activateOne(h, types.work);
      expect(job.variables).toEqual({ input: 1, fromStart: 'yes' });
      const variable = (await instanceRecords(h.db, pik, { valueType: 'VARIABLE' })).find((r) => r.value.name === 'fromStart')!;
      expect(String(variable.value.scopeKey)).toBe(job.elementInstanceKey);
      await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      await completeOne(h, types.end);
      expect((await activateOne(h, types.after)).variables).toEqual({ input: 1 });
    });

    it('should propagate the variables of an end listener to the parent scope', async () => {
      // given
      const id = unique('el-end-vars');
      const types = typesOf();
      await deploy(h, taskWithListeners(id, types));
      const pik = await start(id, { input: 1 });
      await completeOne(h, types.start);
      await completeOne(h, types.work, { fromJob: 1 });
      // when
      await completeOne(h, types.end, { fromEnd: 2 });
      // then
      const after = await activateOne(h, types.after);
      expect(after.variables).toEqual({ input: 1, fromJob: 1, fromEnd: 2 });
      const variable = (await instanceRecords(h.db, pik, { valueType: 'VARIABLE' })).find((r) => r.value.name === 'fromEnd')!;
      expect(String(variable.value.scopeKey)).toBe(pik);
    });

    it('should propagate end listener variables from the parent scope even when the element has a local of that name', async () => {
      // given: the task has a local `x` from an input mapping
      const id = unique('el-end-shadow');
      const [le, work, after] = [unique('el-end'), unique('work'), unique('after')];
      await deploy(
        h,
        processBuilder(id)
          .start()
          .serviceTask('task', { type: work, inputs: [['=0', 'x']], listeners: [{ eventType: 'end', type: le }] })
          .serviceTask('after', { type: after })
          .end()
          .chain('start', 'task', 'after', 'end')
          .xml(),
      );
      const pik = await start(id);
      await completeOne(h, work);
      // when
      await completeOne(h, le, { x: 5 });
      // then
      expect((await activateOne(h, after)).variables).toEqual({ x: 5 });
      const created = (await instanceRecords(h.db, pik, { valueType: 'VARIABLE' })).filter((r) => r.value.name === 'x' && String(r.value.scopeKey) === pik);
      expect(created.map((r) => [r.intent, r.value.value])).toEqual([['CREATED', '5']]);
    });

    it('should run several start listeners one after the other, in model order', async () => {
      // given
      const id = unique('el-order');
      const [first, second, work] = [unique('first'), unique('second'), unique('work')];
      await deploy(
        h,
        processBuilder(id)
          .start()
          .serviceTask('task', {
            type: work,
            listeners: [
              { eventType: 'start', type: first },
              { eventType: 'start', type: second },
            ],
          })
          .end()
          .chain('start', 'task', 'end')
          .xml(),
      );
      await start(id);
      // when
      expect(await activateNow(h, second)).toEqual([]);
      await completeOne(h, first, { one: 1 });
      // then
      const secondJob = await activateOne(h, second);
      expect(secondJob.variables).toEqual({ one: 1 });
      expect(await activateNow(h, work)).toEqual([]);
      await h.zeebe.completeJob({ jobKey: secondJob.key, variables: {} });
      expect((await activate(h, work)).map((j) => j.elementId)).toEqual(['task']);
    });

    it('should run several end listeners one after the other, in model order, each seeing the variables of the ones before', async () => {
      // given
      const id = unique('el-end-order');
      const [work, first, second, third, after] = [unique('work'), unique('end-1'), unique('end-2'), unique('end-3'), unique('after')];
      await deploy(
        h,
        processBuilder(id)
          .start()
          .serviceTask('task', {
            type: work,
            listeners: [
              { eventType: 'end', type: first },
              { eventType: 'end', type: second },
              { eventType: 'end', type: third },
            ],
          })
          .serviceTask('after', { type: after })
          .end()
          .chain('start', 'task', 'after', 'end')
          .xml(),
      );
      const pik = await start(id);
      await completeOne(h, work);
      // when
      expect(await activateNow(h, second)).toEqual([]);
      await completeOne(h, first, { one: 1 });
      expect(await activateNow(h, third)).toEqual([]);
      const secondJob = await completeOne(h, second, { two: 2 });
      const thirdJob = await completeOne(h, third);
      // then
      expect(secondJob.variables).toEqual({ one: 1 });
      expect(thirdJob.variables).toEqual({ one: 1, two: 2 });
      expect((await activateOne(h, after)).variables).toEqual({ one: 1, two: 2 });
      const rows = await instanceRecords(h.db, pik);
      const completedListeners = rows.filter((r) => r.valueType === 'JOB' && r.intent === 'COMPLETED' && r.value.jobKind === 'EXECUTION_LISTENER');
      expect(completedListeners.map((r) => [r.value.type, r.value.jobListenerEventType])).toEqual([
        [first, 'END'],
        [second, 'END'],
        [third, 'END'],
      ]);
      expect(lifecycle(rows, ['task']).slice(-2)).toEqual(['task:COMPLETING', 'task:COMPLETED']);
    });
  });

  describe('on an embedded subprocess', () => {
    it('should run the start listener before the subprocess starts its start event and the end listener after its last child completed', async () => {
      // given
      const id = unique('el-subprocess');
      const [ls, le, work, after] = [unique('sp-start'), unique('sp-end'), unique('work'), unique('after')];
      await deploy(
        h,
        processBuilder(id)
          .start()
          .subProcess(
            'sp',
            (b) => b.start('spStart').serviceTask('inner', { type: work }).end('spEnd').flow('spStart', 'inner', undefined, 'spFlow1').flow('inner', 'spEnd', undefined, 'spFlow2'),
            {
              listeners: [
                { eventType: 'start', type: ls },
                { eventType: 'end', type: le },
              ],
            },
          )
          .serviceTask('after', { type: after })
          .end()
          .flow('start', 'sp', undefined, 'toSp')
          .flow('sp', 'after', undefined, 'toAfter')
          .flow('after', 'end', undefined, 'toEnd')
          .xml(),
      );
      const pik = await start(id);
      const spKey = await elementInstanceKey(h.db, pik, 'sp');
      // when
      const startListener = await activateOne(h, ls);
      expect(lifecycle(await instanceRecords(h.db, pik), ['sp', 'spStart'])).toEqual(['sp:ACTIVATING']);
      await h.zeebe.completeJob({ jobKey: startListener.key, variables: { fromStart: 'sp' } });
      const inner = await activateOne(h, work);
      await h.zeebe.completeJob({ jobKey: inner.key, variables: {} });
      const endListener = await activateOne(h, le);
      expect(await activateNow(h, after)).toEqual([]);
      await h.zeebe.completeJob({ jobKey: endListener.key, variables: {} });
      await completeOne(h, after);
      await waitForInstanceEnd(h.db, pik);
      // then
      expect(startListener).toMatchObject({ elementId: 'sp', elementInstanceKey: spKey });
      expect(endListener).toMatchObject({ elementId: 'sp', elementInstanceKey: spKey });
      expect(inner.variables).toEqual({ fromStart: 'sp' });
      const rows = await instanceRecords(h.db, pik);
      expect(story(rows, ['sp', 'spStart', 'spEnd'])).toEqual([
        'PROCESS_INSTANCE ELEMENT_ACTIVATING sp',
        'JOB CREATED sp',
        'JOB COMPLETED sp',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED sp',
        'PROCESS_INSTANCE ELEMENT_ACTIVATING spStart',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED spStart',
        'PROCESS_INSTANCE ELEMENT_COMPLETING spStart',
        'PROCESS_INSTANCE ELEMENT_COMPLETED spStart',
        'JOB CREATED inner',
        'JOB COMPLETED inner',
        'PROCESS_INSTANCE ELEMENT_ACTIVATING spEnd',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED spEnd',
        'PROCESS_INSTANCE ELEMENT_COMPLETING spEnd',
        'PROCESS_INSTANCE ELEMENT_COMPLETED spEnd',
        'PROCESS_INSTANCE ELEMENT_COMPLETING sp',
        'JOB CREATED sp',
        'JOB COMPLETED sp',
        'PROCESS_INSTANCE ELEMENT_COMPLETED sp',
        'JOB CREATED after',
        'JOB COMPLETED after',
      ]);
    });
  });

  describe('on a call activity', () => {
    it('should run the start listener before the child instance is created and the end listener after the child completed, with its variables', async () => {
      // given
      const childId = unique('el-child');
      const parentId = unique('el-parent');
      const [ls, le, childWork, after] = [unique('call-start'), unique('call-end'), unique('child-work'), unique('after')];
      await deploy(h, definitions(process(childId, startEvent(), serviceTask('childTask', childWork), endEvent(), chain('start', 'childTask', 'end'))), 'child.bpmn');
      await deploy(
        h,
        definitions(
          process(
            parentId,
            startEvent(),
            callActivity('call', childId, { extensions: executionListeners({ eventType: 'start', type: ls }, { eventType: 'end', type: le }) }),
            serviceTask('after', after),
            endEvent(),
            chain('start', 'call', 'after', 'end'),
          ),
        ),
        'parent.bpmn',
      );
      const pik = await start(parentId, { order: 'o-1' });
      const callKey = await elementInstanceKey(h.db, pik, 'call');
      // when
      const startListener = await activateOne(h, ls);
      const before = await records(h.db, { bpmnElementType: 'PROCESS', elementId: childId });
      await h.zeebe.completeJob({ jobKey: startListener.key, variables: { priority: 'high' } });
      const childKey = await waitForChildInstance(h.db, pik);
      const childJob = await activateOne(h, childWork);
      await h.zeebe.completeJob({ jobKey: childJob.key, variables: { result: 'shipped' } });
      const endListener = await activateOne(h, le);
      expect(await activateNow(h, after)).toEqual([]);
      await h.zeebe.completeJob({ jobKey: endListener.key, variables: {} });
      // then
      expect(before).toEqual([]);
      expect(startListener).toMatchObject({ elementId: 'call', elementInstanceKey: callKey, processInstanceKey: pik });
      expect(childJob.variables).toEqual({ order: 'o-1', priority: 'high' });
      expect(endListener).toMatchObject({ elementId: 'call', elementInstanceKey: callKey, processInstanceKey: pik });
      expect(endListener.variables).toEqual({ order: 'o-1', priority: 'high', result: 'shipped' });
      expect((await activateOne(h, after)).variables).toEqual({ order: 'o-1', result: 'shipped' });
      const parent = await instanceRecords(h.db, pik);
      expect(story(parent, ['call'])).toEqual([
        'PROCESS_INSTANCE ELEMENT_ACTIVATING call',
        'JOB CREATED call',
        'JOB COMPLETED call',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED call',
        'PROCESS_INSTANCE ELEMENT_COMPLETING call',
        'JOB CREATED call',
        'JOB COMPLETED call',
        'PROCESS_INSTANCE ELEMENT_COMPLETED call',
        'JOB CREATED after',
      ]);
      const childEnded = (await instanceRecords(h.db, childKey)).find((r) => r.elementId === childId && r.intent === 'ELEMENT_COMPLETED')!;
      const endListenerCreated = parent.filter((r) => r.valueType === 'JOB' && r.intent === 'CREATED' && r.value.type === le)[0];
      expect(childEnded.position).toBeLessThan(endListenerCreated.position);
    });
  });

  describe('on a multi-instance activity', () => {
    it('should run the start and end listeners on each inner instance, not on the multi-instance body', async () => {
      // given: Zeebe 8.8 runs an activity's start and end listeners around every inner instance
      const id = unique('el-multi-instance');
      const [ls, le, work, after] = [unique('mi-start'), unique('mi-end'), unique('work'), unique('after')];
      await deploy(
        h,
        definitions(
          process(
            id,
            startEvent(),
            serviceTask('task', work, {
              extensions: executionListeners({ eventType: 'start', type: ls }, { eventType: 'end', type: le }),
              children: multiInstance({ inputCollection: '=items', inputElement: 'item', sequential: true }),
            }),
            serviceTask('after', after),
            endEvent(),
            chain('start', 'task', 'after', 'end'),
          ),
        ),
      );
      const pik = await start(id, { items: ['a', 'b'] });
      // when
      const seen: { type: string; item: string; loopCounter: number; elementInstanceKey: string }[] = [];
      for (let i = 0; i < 2; i++) {
        for (const type of [ls, work, le]) {
          const job = await completeOne(h, type);
          seen.push({ type, item: job.variables.item, loopCounter: job.variables.loopCounter, elementInstanceKey: job.elementInstanceKey });
        }
      }
      await completeOne(h, after);
      await waitForInstanceEnd(h.db, pik);
      // then
      const rows = await instanceRecords(h.db, pik);
      const bodyKey = rows.find((r) => r.bpmnElementType === 'MULTI_INSTANCE_BODY')!.key;
      const innerKeys = rows.filter((r) => r.elementId === 'task' && r.bpmnElementType === 'SERVICE_TASK' && r.intent === 'ELEMENT_ACTIVATING').map((r) => r.key);
      expect(innerKeys).toHaveLength(2);
      expect(seen).toEqual([
        { type: ls, item: 'a', loopCounter: 1, elementInstanceKey: innerKeys[0] },
        { type: work, item: 'a', loopCounter: 1, elementInstanceKey: innerKeys[0] },
        { type: le, item: 'a', loopCounter: 1, elementInstanceKey: innerKeys[0] },
        { type: ls, item: 'b', loopCounter: 2, elementInstanceKey: innerKeys[1] },
        { type: work, item: 'b', loopCounter: 2, elementInstanceKey: innerKeys[1] },
        { type: le, item: 'b', loopCounter: 2, elementInstanceKey: innerKeys[1] },
      ]);
      expect(rows.filter((r) => r.valueType === 'JOB' && String(r.value.elementInstanceKey) === bodyKey)).toEqual([]);
      const body = rows.filter((r) => r.key === bodyKey && r.valueType === 'PROCESS_INSTANCE').map((r) => r.intent);
      expect(body).toEqual(['ELEMENT_ACTIVATING', 'ELEMENT_ACTIVATED', 'ELEMENT_COMPLETING', 'ELEMENT_COMPLETED']);
    });
  });

  describe('on the process', () => {
    it('should run the process start listener before the start event and the end listener before the process completes', async () => {
      // given
      const id = unique('el-process');
      const [ls, le, work] = [unique('p-start'), unique('p-end'), unique('work')];
      await deploy(
        h,
        processBuilder(id)
          .raw(
            processListeners([
              { eventType: 'start', type: ls },
              { eventType: 'end', type: le },
            ]),
          )
          .start()
          .serviceTask('task', { type: work })
          .end()
          .chain('start', 'task', 'end')
          .xml(),
      );
      const pik = await start(id);
      // when
      const startListener = await activateOne(h, ls);
      let rows = await instanceRecords(h.db, pik);
      // then
      expect(startListener).toMatchObject({ elementId: id, elementInstanceKey: pik, processInstanceKey: pik });
      expect(lifecycle(rows)).toEqual([`${id}:ACTIVATING`]);
      await h.zeebe.completeJob({ jobKey: startListener.key, variables: { started: true } });
      const job = await activateOne(h, work);
      expect(job.variables).toEqual({ started: true });
      await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      const endListener = await activateOne(h, le);
      expect(endListener).toMatchObject({ elementId: id, elementInstanceKey: pik });
      rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, [id, 'end']).slice(-5)).toEqual(['end:ACTIVATING', 'end:ACTIVATED', 'end:COMPLETING', 'end:COMPLETED', `${id}:COMPLETING`]);
      await h.zeebe.completeJob({ jobKey: endListener.key, variables: {} });
      await waitForInstanceEnd(h.db, pik);
      rows = await instanceRecords(h.db, pik);
      expect(describeRecords(rows).slice(-3)).toEqual(['JOB CREATED ' + id, 'JOB COMPLETED ' + id, `PROCESS_INSTANCE ELEMENT_COMPLETED ${id}`]);
    });
  });

  describe('on a gateway', () => {
    it('should run the start listener before evaluating the conditions, which see its local variables', async () => {
      // given
      const id = unique('el-gateway');
      const ls = unique('g-start');
      await deploy(
        h,
        processBuilder(id)
          .start()
          .raw(
            `<bpmn:exclusiveGateway id="g"><bpmn:extensionElements><zeebe:executionListeners><zeebe:executionListener eventType="start" type="${ls}"/></zeebe:executionListeners></bpmn:extensionElements></bpmn:exclusiveGateway>`,
          )
          .end('fast')
          .end('slow')
          .flow('start', 'g', undefined, 'toG')
          .flow('g', 'fast', '=route = "fast"', 'toFast')
          .flow('g', 'slow', '=route = "slow"', 'toSlow')
          .xml(),
      );
      const pik = await start(id);
      const gatewayKey = await elementInstanceKey(h.db, pik, 'g');
      // when
      const listener = await activateOne(h, ls);
      await h.zeebe.completeJob({ jobKey: listener.key, variables: { route: 'slow' } });
      await waitForInstanceEnd(h.db, pik);
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(listener).toMatchObject({ elementId: 'g', elementInstanceKey: gatewayKey });
      expect(rows.filter((r) => r.valueType === 'INCIDENT')).toEqual([]);
      expect(rows.filter((r) => r.intent === 'SEQUENCE_FLOW_TAKEN').map((r) => r.elementId)).toEqual(['toG', 'toSlow']);
      const route = rows.find((r) => r.valueType === 'VARIABLE' && r.value.name === 'route')!;
      expect(String(route.value.scopeKey)).toBe(gatewayKey);
    });

    it('should reject an end listener on a gateway at deployment', async () => {
      // given
      const id = unique('el-gateway-end');
      const xml = processBuilder(id)
        .start()
        .raw(
          `<bpmn:exclusiveGateway id="g" default="toE"><bpmn:extensionElements><zeebe:executionListeners><zeebe:executionListener eventType="end" type="never"/></zeebe:executionListeners></bpmn:extensionElements></bpmn:exclusiveGateway>`,
        )
        .end()
        .flow('start', 'g', undefined, 'toG')
        .flow('g', 'end', undefined, 'toE')
        .xml();
      // when
      const error = await grpcError(() => h.zeebe.deployResource({ process: Buffer.from(xml), name: 'gateway-end.bpmn' }));
      // then
      expect(error.code).toBe(3);
      expect(error.details).toContain('Element: g');
    });
  });

  describe('on an end event', () => {
    it('should run the start and end listeners of an end event before the process completes', async () => {
      // given
      const id = unique('el-end-event');
      const [ls, le] = [unique('e-start'), unique('e-end')];
      await deploy(
        h,
        processBuilder(id)
          .start()
          .raw(
            `<bpmn:endEvent id="end"><bpmn:extensionElements><zeebe:executionListeners><zeebe:executionListener eventType="start" type="${ls}"/><zeebe:executionListener eventType="end" type="${le}"/></zeebe:executionListeners></bpmn:extensionElements></bpmn:endEvent>`,
          )
          .chain('start', 'end')
          .xml(),
      );
      const pik = await start(id);
      const endKey = await elementInstanceKey(h.db, pik, 'end');
      // when
      const startListener = await activateOne(h, ls);
      expect(await activateNow(h, le)).toEqual([]);
      await h.zeebe.completeJob({ jobKey: startListener.key, variables: {} });
      const endListener = await activateOne(h, le);
      await h.zeebe.completeJob({ jobKey: endListener.key, variables: {} });
      await waitForInstanceEnd(h.db, pik);
      // then
      expect(startListener).toMatchObject({ elementId: 'end', elementInstanceKey: endKey });
      expect(endListener).toMatchObject({ elementId: 'end', elementInstanceKey: endKey });
      const rows = await instanceRecords(h.db, pik);
      expect(story(rows, ['end', id])).toEqual([
        `PROCESS_INSTANCE ELEMENT_ACTIVATING ${id}`,
        `PROCESS_INSTANCE ELEMENT_ACTIVATED ${id}`,
        'PROCESS_INSTANCE ELEMENT_ACTIVATING end',
        'JOB CREATED end',
        'JOB COMPLETED end',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED end',
        'PROCESS_INSTANCE ELEMENT_COMPLETING end',
        'JOB CREATED end',
        'JOB COMPLETED end',
        'PROCESS_INSTANCE ELEMENT_COMPLETED end',
        `PROCESS_INSTANCE ELEMENT_COMPLETING ${id}`,
        `PROCESS_INSTANCE ELEMENT_COMPLETED ${id}`,
      ]);
    });
  });

  describe('cancel', () => {
    it('should cancel a pending listener job when the instance is canceled', async () => {
      // given: the task waits for its start listener
      const id = unique('el-cancel');
      const [ls, work] = [unique('el-start'), unique('work')];
      await deploy(
        h,
        processBuilder(id)
          .start()
          .serviceTask('task', { type: work, listeners: [{ eventType: 'start', type: ls }] })
          .end()
          .chain('start', 'task', 'end')
          .xml(),
      );
      const pik = await start(id);
      const listener = await activateOne(h, ls);
      // when
      await h.zeebe.cancelProcessInstance(pik);
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(story(rows, ['task'])).toEqual([
        'PROCESS_INSTANCE ELEMENT_ACTIVATING task',
        'JOB CREATED task',
        'PROCESS_INSTANCE ELEMENT_TERMINATING task',
        'JOB CANCELED task',
        'PROCESS_INSTANCE ELEMENT_TERMINATED task',
      ]);
      const error = await grpcError(() => h.zeebe.completeJob({ jobKey: listener.key, variables: {} }));
      expect(error.code).toBe(5);
      expect(await activateNow(h, work)).toEqual([]);
    });
  });

  describe('incidents', () => {
    it('should raise an EXECUTION_LISTENER_NO_RETRIES incident when a listener job fails without retries, and continue once retries are updated and it is resolved', async () => {
      // given
      const id = unique('el-incident');
      const [ls, work] = [unique('flaky'), unique('work')];
      await deploy(
        h,
        processBuilder(id)
          .start()
          .serviceTask('task', { type: work, listeners: [{ eventType: 'start', type: ls }] })
          .end()
          .chain('start', 'task', 'end')
          .xml(),
      );
      const pik = await start(id);
      const listener = await activateOne(h, ls);
      // when
      await h.zeebe.failJob({ jobKey: listener.key, retries: 0, errorMessage: 'listener down', retryBackOff: 0 });
      // then
      const [incident] = await instanceRecords(h.db, pik, { valueType: 'INCIDENT' });
      expect(incident.value).toMatchObject({
        errorType: 'EXECUTION_LISTENER_NO_RETRIES',
        errorMessage: 'listener down',
        elementId: 'task',
        elementInstanceKey: Number(listener.elementInstanceKey),
        jobKey: Number(listener.key),
      });
      const refused = await grpcError(() => h.zeebe.resolveIncident({ incidentKey: incident.key }));
      expect(refused.code).toBe(9);
      // and when
      await h.zeebe.updateJobRetries({ jobKey: listener.key, retries: 1 });
      await h.zeebe.resolveIncident({ incidentKey: incident.key });
      const again = await activateOne(h, ls);
      expect(again.key).toBe(listener.key);
      expect(again.retries).toBe(1);
      await h.zeebe.completeJob({ jobKey: again.key, variables: {} });
      await completeOne(h, work);
      await waitForInstanceEnd(h.db, pik);
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(rows.filter((r) => r.valueType === 'INCIDENT').map((r) => r.intent)).toEqual(['CREATED', 'RESOLVED']);
      expect(rows.filter((r) => r.valueType === 'JOB' && r.value.type === ls).map((r) => r.intent)).toEqual(['CREATED', 'FAILED', 'RETRIES_UPDATED', 'COMPLETED']);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });
  });
});
