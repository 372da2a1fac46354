import { ManualClock, startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import {
  boundaryEvent,
  chain,
  definitions,
  endEvent,
  errorDefinition,
  errorEvent,
  flow,
  ioMapping,
  messageDefinition,
  messageEvent,
  multiInstance,
  process,
  serviceTask,
  startEvent,
  subProcess,
  timerDuration,
} from '../helpers/bpmn-xml';
import { activate, activateNow, activateOne, completeOne, deploy, unique, type Job, type Vars } from '../helpers/jobs';
import { variableWrites, waitForIncident } from '../helpers/instances';
import { instanceRecords, lifecycle, waitForInstanceEnd, waitForRecord, type RecordRow } from '../helpers/records';

const HOUR = 3_600_000;

/**
 * Multi-instance activities through the Zeebe client: a body (MULTI_INSTANCE_BODY) around one
 * inner instance per item, in parallel or in sequence, with the output collected by index,
 * the completion condition, boundary events on the body, and the input collection incident.
 */
describe('multi-instance activities through the Zeebe client', () => {
  let h: EngineHarness;
  const clock = new ManualClock(Date.parse('2026-05-04T10:00:00Z'));
  beforeAll(async () => {
    h = await startEngineHarness({ clock });
  });
  afterAll(async () => {
    await h.close();
  });

  async function start(bpmnProcessId: string, variables: Vars = {}): Promise<string> {
    return (await h.zeebe.createProcessInstance({ bpmnProcessId, variables })).processInstanceKey;
  }

  type Loop = Parameters<typeof multiInstance>[0];

  /** start → task (multi-instance job of `type`) → after (job of `afterType`) → end, plus `extra`. */
  function multiInstanceTask(id: string, type: string, afterType: string, loop: Loop, extra: string[] = [], roots: string[] = []): string {
    return definitions(
      ...roots,
      process(
        id,
        startEvent(),
        serviceTask('task', type, { children: multiInstance(loop) }),
        serviceTask('after', afterType),
        endEvent(),
        chain('start', 'task', 'after', 'end'),
        ...extra,
      ),
    );
  }

  const byLoopCounter = (jobs: Job[]) => [...jobs].sort((a, b) => a.variables.loopCounter - b.variables.loopCounter);
  const innerKeys = (rows: RecordRow[]) =>
    rows.filter((r) => r.elementId === 'task' && r.bpmnElementType === 'SERVICE_TASK' && r.intent === 'ELEMENT_ACTIVATING').map((r) => r.key);

  describe('parallel', () => {
    it('should create one job per item, each with its item and loopCounter, inside a MULTI_INSTANCE_BODY', async () => {
      // given
      const id = unique('mi-parallel');
      const type = unique('work');
      await deploy(h, multiInstanceTask(id, type, unique('after'), { inputCollection: '=items', inputElement: 'item' }));
      // when
      const pik = await start(id, { items: ['a', 'b', 'c'] });
      // then
      const jobs = byLoopCounter(await activate(h, type));
      expect(jobs.map((j) => j.variables)).toEqual([
        { items: ['a', 'b', 'c'], item: 'a', loopCounter: 1 },
        { items: ['a', 'b', 'c'], item: 'b', loopCounter: 2 },
        { items: ['a', 'b', 'c'], item: 'c', loopCounter: 3 },
      ]);
      const rows = await instanceRecords(h.db, pik, { valueType: 'PROCESS_INSTANCE' });
      const body = rows.filter((r) => r.elementId === 'task' && r.bpmnElementType === 'MULTI_INSTANCE_BODY');
      const inner = rows.filter((r) => r.elementId === 'task' && r.bpmnElementType === 'SERVICE_TASK');
      expect(body.map((r) => r.intent)).toEqual(['ELEMENT_ACTIVATING', 'ELEMENT_ACTIVATED']);
      expect(inner.map((r) => r.intent).sort()).toEqual(
        ['ELEMENT_ACTIVATING', 'ELEMENT_ACTIVATING', 'ELEMENT_ACTIVATING', 'ELEMENT_ACTIVATED', 'ELEMENT_ACTIVATED', 'ELEMENT_ACTIVATED'].sort(),
      );
      expect(new Set(inner.map((r) => r.value.flowScopeKey))).toEqual(new Set([Number(body[0].key)]));
      expect(jobs.map((j) => j.elementInstanceKey)).toEqual(innerKeys(rows));
      expect(body[0].value).toMatchObject({ bpmnElementType: 'MULTI_INSTANCE_BODY', elementId: 'task', flowScopeKey: Number(pik) });
    });

    it('should fill the output collection by index regardless of the completion order', async () => {
      // given
      const id = unique('mi-output');
      const type = unique('work');
      const afterType = unique('after');
      await deploy(h, multiInstanceTask(id, type, afterType, { inputCollection: '=items', inputElement: 'item', outputCollection: 'results', outputElement: '=result' }));
      const pik = await start(id, { items: ['a', 'b', 'c'] });
      const jobs = byLoopCounter(await activate(h, type));
      // when
      for (const index of [2, 0, 1]) {
        await h.zeebe.completeJob({ jobKey: jobs[index].key, variables: { result: jobs[index].variables.item.toUpperCase() } });
      }
      // then
      const after = await activateOne(h, afterType);
      expect(after.variables.results).toEqual(['A', 'B', 'C']);
      const rows = await instanceRecords(h.db, pik);
      const bodyKey = rows.find((r) => r.bpmnElementType === 'MULTI_INSTANCE_BODY')!.key;
      expect(variableWrites(rows, { body: bodyKey, process: pik }).filter((w) => w.startsWith('results@'))).toEqual([
        'results@body=[null,null,null]',
        'results@body=[null,null,"C"]',
        'results@body=["A",null,"C"]',
        'results@body=["A","B","C"]',
        'results@process=["A","B","C"]',
      ]);
    });

    it('should create the output element variable local to each inner instance and keep the job result there', async () => {
      // given: Zeebe initialises a variable-only outputElement with null on every inner instance
      const id = unique('mi-output-local');
      const type = unique('work');
      const afterType = unique('after');
      await deploy(h, multiInstanceTask(id, type, afterType, { inputCollection: '=items', inputElement: 'item', outputCollection: 'results', outputElement: '=result' }));
      const pik = await start(id, { items: ['a', 'b'] });
      const jobs = byLoopCounter(await activate(h, type));
      expect(jobs.map((j) => j.variables.result)).toEqual([null, null]);
      // when
      for (const job of jobs) await h.zeebe.completeJob({ jobKey: job.key, variables: { result: job.variables.item.toUpperCase() } });
      // then
      const after = await activateOne(h, afterType);
      expect(after.variables).toEqual({ items: ['a', 'b'], results: ['A', 'B'] });
      const rows = await instanceRecords(h.db, pik);
      const [first, second] = innerKeys(rows);
      expect(variableWrites(rows, { first, second }).filter((w) => w.startsWith('result@'))).toEqual([
        'result@first=null',
        'result@second=null',
        'result@first="A"',
        'result@second="B"',
      ]);
    });
  });

  describe('sequential', () => {
    it('should run one instance at a time, in the order of the collection', async () => {
      // given
      const id = unique('mi-sequential');
      const type = unique('work');
      const afterType = unique('after');
      await deploy(h, multiInstanceTask(id, type, afterType, { inputCollection: '=items', inputElement: 'item', sequential: true }));
      const pik = await start(id, { items: ['a', 'b', 'c'] });
      // when
      const seen: Vars[] = [];
      for (let i = 0; i < 3; i++) {
        const jobs = await activate(h, type, { requestTimeout: 1000 });
        expect(jobs).toHaveLength(1);
        seen.push({ item: jobs[0].variables.item, loopCounter: jobs[0].variables.loopCounter });
        await h.zeebe.completeJob({ jobKey: jobs[0].key, variables: {} });
      }
      // then
      expect(seen).toEqual([
        { item: 'a', loopCounter: 1 },
        { item: 'b', loopCounter: 2 },
        { item: 'c', loopCounter: 3 },
      ]);
      await completeOne(h, afterType);
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      const inner = rows.filter((r) => r.elementId === 'task' && r.bpmnElementType === 'SERVICE_TASK');
      const once = ['ACTIVATING', 'ACTIVATED', 'COMPLETING', 'COMPLETED'];
      expect(inner.map((r) => r.intent.replace('ELEMENT_', ''))).toEqual([...once, ...once, ...once]);
    });
  });

  describe('collections', () => {
    it('should complete at once with an empty output collection when the input collection is empty', async () => {
      // given
      const id = unique('mi-empty');
      const type = unique('work');
      const afterType = unique('after');
      await deploy(h, multiInstanceTask(id, type, afterType, { inputCollection: '=items', inputElement: 'item', outputCollection: 'results', outputElement: '=result' }));
      // when
      const pik = await start(id, { items: [] });
      // then
      const after = await activateOne(h, afterType);
      expect(after.variables.results).toEqual([]);
      expect(await activateNow(h, type)).toEqual([]);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['task'])).toEqual(['task:ACTIVATING', 'task:ACTIVATED', 'task:COMPLETING', 'task:COMPLETED']);
      expect(rows.filter((r) => r.elementId === 'task').every((r) => r.bpmnElementType === 'MULTI_INSTANCE_BODY')).toBe(true);
      expect(variableWrites(rows, { process: pik }).filter((w) => w.startsWith('results@process'))).toEqual(['results@process=[]']);
    });

    it('should raise EXTRACT_VALUE_ERROR on the body when the input collection is not a list, and continue once it is fixed', async () => {
      // given
      const id = unique('mi-not-a-list');
      const type = unique('work');
      const afterType = unique('after');
      await deploy(h, multiInstanceTask(id, type, afterType, { inputCollection: '=items', inputElement: 'item' }));
      const pik = await start(id, { items: 'abc' });
      // when
      const incident = await waitForIncident(h.db, pik);
      // then
      const body = await waitForRecord(h.db, { processInstanceKey: pik, elementId: 'task', intent: 'ELEMENT_ACTIVATING' });
      expect(body.bpmnElementType).toBe('MULTI_INSTANCE_BODY');
      expect(incident.value).toMatchObject({
        errorType: 'EXTRACT_VALUE_ERROR',
        errorMessage: "Expected result of the expression 'items' to be 'ARRAY', but was 'STRING'.",
        elementId: 'task',
        elementInstanceKey: Number(body.key),
      });
      await h.zeebe.setVariables({ elementInstanceKey: pik, variables: { items: ['x'] }, local: false });
      await h.zeebe.resolveIncident({ incidentKey: incident.key });
      const job = await activateOne(h, type);
      expect(job.variables).toMatchObject({ item: 'x', loopCounter: 1 });
    });
  });

  describe('completion condition', () => {
    it('should terminate the remaining instances and complete the body once the completion condition holds', async () => {
      // given
      const id = unique('mi-condition');
      const type = unique('work');
      const afterType = unique('after');
      await deploy(
        h,
        multiInstanceTask(id, type, afterType, {
          inputCollection: '=items',
          inputElement: 'item',
          outputCollection: 'results',
          outputElement: '=result',
          completionCondition: '=numberOfCompletedInstances >= 2',
        }),
      );
      const pik = await start(id, { items: ['a', 'b', 'c'] });
      const jobs = byLoopCounter(await activate(h, type));
      // when
      await h.zeebe.completeJob({ jobKey: jobs[0].key, variables: { result: 'A' } });
      await h.zeebe.completeJob({ jobKey: jobs[2].key, variables: { result: 'C' } });
      // then
      const after = await activateOne(h, afterType);
      expect(after.variables.results).toEqual(['A', null, 'C']);
      const rows = await instanceRecords(h.db, pik);
      const [, secondKey] = innerKeys(rows);
      const second = rows.filter((r) => r.key === secondKey && r.valueType === 'PROCESS_INSTANCE').map((r) => r.intent);
      expect(second).toEqual(['ELEMENT_ACTIVATING', 'ELEMENT_ACTIVATED', 'ELEMENT_TERMINATING', 'ELEMENT_TERMINATED']);
      expect(rows.filter((r) => r.valueType === 'JOB' && r.key === jobs[1].key).map((r) => r.intent)).toEqual(['CREATED', 'CANCELED']);
      const body = rows.filter((r) => r.elementId === 'task' && r.bpmnElementType === 'MULTI_INSTANCE_BODY').map((r) => r.intent);
      expect(body).toEqual(['ELEMENT_ACTIVATING', 'ELEMENT_ACTIVATED', 'ELEMENT_COMPLETING', 'ELEMENT_COMPLETED']);
    });

    it('should stop a sequential multi-instance when the completion condition holds, without starting the remaining items', async () => {
      // given: the condition sees the output element of the instance that just completed
      const id = unique('mi-sequential-condition');
      const type = unique('work');
      const afterType = unique('after');
      await deploy(
        h,
        multiInstanceTask(id, type, afterType, {
          inputCollection: '=items',
          inputElement: 'item',
          outputCollection: 'results',
          outputElement: '=result',
          sequential: true,
          completionCondition: '=result = "found"',
        }),
      );
      const pik = await start(id, { items: ['a', 'b', 'c', 'd'] });
      // when
      const first = await activateOne(h, type);
      await h.zeebe.completeJob({ jobKey: first.key, variables: { result: 'miss' } });
      const second = await activateOne(h, type);
      await h.zeebe.completeJob({ jobKey: second.key, variables: { result: 'found' } });
      // then
      const after = await activateOne(h, afterType);
      expect([first.variables.item, second.variables.item]).toEqual(['a', 'b']);
      expect(after.variables.results).toEqual(['miss', 'found', null, null]);
      expect(await activateNow(h, type)).toEqual([]);
      const rows = await instanceRecords(h.db, pik);
      expect(innerKeys(rows)).toHaveLength(2);
      expect(rows.filter((r) => r.elementId === 'task' && r.intent === 'ELEMENT_TERMINATED')).toEqual([]);
      const body = rows.filter((r) => r.elementId === 'task' && r.bpmnElementType === 'MULTI_INSTANCE_BODY').map((r) => r.intent);
      expect(body).toEqual(['ELEMENT_ACTIVATING', 'ELEMENT_ACTIVATED', 'ELEMENT_COMPLETING', 'ELEMENT_COMPLETED']);
      const bodyKey = rows.find((r) => r.bpmnElementType === 'MULTI_INSTANCE_BODY')!.key;
      expect(variableWrites(rows, { body: bodyKey, process: pik }).filter((w) => w.startsWith('results@'))).toEqual([
        'results@body=[null,null,null,null]',
        'results@body=["miss",null,null,null]',
        'results@body=["miss","found",null,null]',
        'results@process=["miss","found",null,null]',
      ]);
    });
  });

  describe('multi-instance subprocess', () => {
    it('should run one subprocess instance per item, each with its own item', async () => {
      // given
      const id = unique('mi-subprocess');
      const type = unique('inner');
      const afterType = unique('after');
      await deploy(
        h,
        definitions(
          process(
            id,
            startEvent(),
            subProcess('sp', [startEvent('spStart'), serviceTask('inner', type), endEvent('spEnd'), chain('spStart', 'inner', 'spEnd')], {
              children: multiInstance({ inputCollection: '=customers', inputElement: 'customer' }),
            }),
            serviceTask('after', afterType),
            endEvent(),
            chain('start', 'sp', 'after', 'end'),
          ),
        ),
      );
      const pik = await start(id, { customers: ['c-1', 'c-2'] });
      // when
      const jobs = await activate(h, type);
      // then
      expect(jobs.map((j) => j.variables.customer).sort()).toEqual(['c-1', 'c-2']);
      for (const job of jobs) await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      await completeOne(h, afterType);
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik, { valueType: 'PROCESS_INSTANCE' });
      const sp = rows.filter((r) => r.elementId === 'sp');
      expect(sp.filter((r) => r.bpmnElementType === 'MULTI_INSTANCE_BODY').map((r) => r.intent)).toEqual([
        'ELEMENT_ACTIVATING',
        'ELEMENT_ACTIVATED',
        'ELEMENT_COMPLETING',
        'ELEMENT_COMPLETED',
      ]);
      expect(sp.filter((r) => r.bpmnElementType === 'SUB_PROCESS' && r.intent === 'ELEMENT_COMPLETED')).toHaveLength(2);
      const innerScopes = new Set(rows.filter((r) => r.elementId === 'inner').map((r) => r.value.flowScopeKey));
      expect(innerScopes.size).toBe(2);
    });

    it('should run a sequential multi-instance subprocess one instance at a time, each with its own item and loopCounter', async () => {
      // given
      const id = unique('mi-sequential-subprocess');
      const type = unique('inner');
      const afterType = unique('after');
      await deploy(
        h,
        definitions(
          process(
            id,
            startEvent(),
            subProcess('sp', [startEvent('spStart'), serviceTask('inner', type), endEvent('spEnd'), chain('spStart', 'inner', 'spEnd')], {
              children: multiInstance({ inputCollection: '=customers', inputElement: 'customer', sequential: true }),
            }),
            serviceTask('after', afterType),
            endEvent(),
            chain('start', 'sp', 'after', 'end'),
          ),
        ),
      );
      const pik = await start(id, { customers: ['c-1', 'c-2', 'c-3'] });
      // when
      const seen: Vars[] = [];
      for (let i = 0; i < 3; i++) {
        const jobs = await activate(h, type, { requestTimeout: 1000 });
        expect(jobs).toHaveLength(1);
        seen.push({ customer: jobs[0].variables.customer, loopCounter: jobs[0].variables.loopCounter });
        await h.zeebe.completeJob({ jobKey: jobs[0].key, variables: {} });
      }
      // then
      expect(seen).toEqual([
        { customer: 'c-1', loopCounter: 1 },
        { customer: 'c-2', loopCounter: 2 },
        { customer: 'c-3', loopCounter: 3 },
      ]);
      const after = await activateOne(h, afterType);
      expect(after.variables).toEqual({ customers: ['c-1', 'c-2', 'c-3'] });
      const rows = await instanceRecords(h.db, pik, { valueType: 'PROCESS_INSTANCE' });
      const body = rows.find((r) => r.elementId === 'sp' && r.bpmnElementType === 'MULTI_INSTANCE_BODY')!;
      const inner = rows.filter((r) => r.elementId === 'sp' && r.bpmnElementType === 'SUB_PROCESS');
      const once = ['ACTIVATING', 'ACTIVATED', 'COMPLETING', 'COMPLETED'];
      expect(inner.map((r) => r.intent.replace('ELEMENT_', ''))).toEqual([...once, ...once, ...once]);
      expect(new Set(inner.map((r) => r.value.flowScopeKey))).toEqual(new Set([Number(body.key)]));
      expect(new Set(inner.map((r) => r.key)).size).toBe(3);
      const innerTaskScopes = rows.filter((r) => r.elementId === 'inner' && r.intent === 'ELEMENT_ACTIVATING').map((r) => String(r.value.flowScopeKey));
      expect(innerTaskScopes).toEqual(inner.filter((r) => r.intent === 'ELEMENT_ACTIVATING').map((r) => r.key));
    });
  });

  describe('output of interleaved instances', () => {
    it('should collect the output of each subprocess instance even when the instances interleave', async () => {
      // given: each instance sets `result` in its first task and completes after its second one
      const id = unique('mi-interleaved');
      const firstType = unique('first');
      const secondType = unique('second');
      const afterType = unique('after');
      await deploy(
        h,
        definitions(
          process(
            id,
            startEvent(),
            subProcess(
              'sp',
              [startEvent('spStart'), serviceTask('first', firstType), serviceTask('second', secondType), endEvent('spEnd'), chain('spStart', 'first', 'second', 'spEnd')],
              { children: multiInstance({ inputCollection: '=items', inputElement: 'item', outputCollection: 'results', outputElement: '=result' }) },
            ),
            serviceTask('after', afterType),
            endEvent(),
            chain('start', 'sp', 'after', 'end'),
          ),
        ),
      );
      await start(id, { items: ['a', 'b'] });
      // when
      const firsts = byLoopCounter(await activate(h, firstType));
      for (const job of firsts) await h.zeebe.completeJob({ jobKey: job.key, variables: { result: job.variables.item.toUpperCase() } });
      const seconds = byLoopCounter(await activate(h, secondType));
      for (const job of seconds) await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      // then
      const after = await activateOne(h, afterType);
      expect(after.variables.results).toEqual(['A', 'B']);
      expect(after.variables).not.toHaveProperty('result');
    });

    it('should apply the output mappings of an inner instance to its own scope, where the output element lives', async () => {
      // given: Zeebe merges an inner instance's output mappings from the inner instance itself
      const id = unique('mi-output-mapping');
      const type = unique('work');
      const afterType = unique('after');
      await deploy(
        h,
        definitions(
          process(
            id,
            startEvent(),
            serviceTask('task', type, {
              extensions: ioMapping({ outputs: [['=score * 10', 'result']] }),
              children: multiInstance({ inputCollection: '=items', inputElement: 'item', outputCollection: 'results', outputElement: '=result' }),
            }),
            serviceTask('after', afterType),
            endEvent(),
            chain('start', 'task', 'after', 'end'),
          ),
        ),
      );
      const pik = await start(id, { items: ['a', 'b'] });
      const jobs = byLoopCounter(await activate(h, type));
      // when
      await h.zeebe.completeJob({ jobKey: jobs[1].key, variables: { score: 2 } });
      await h.zeebe.completeJob({ jobKey: jobs[0].key, variables: { score: 1 } });
      // then
      const after = await activateOne(h, afterType);
      expect(after.variables.results).toEqual([10, 20]);
      const rows = await instanceRecords(h.db, pik);
      expect(variableWrites(rows, { process: pik }).filter((w) => w.includes('@process'))).toEqual([
        'items@process=["a","b"]',
        'results@process=[10,20]',
      ]);
    });
  });

  describe('boundary events', () => {
    it('should terminate the whole body and its instances when an interrupting timer boundary event fires', async () => {
      // given
      const id = unique('mi-timer');
      const type = unique('work');
      await deploy(
        h,
        multiInstanceTask(id, type, unique('after'), { inputCollection: '=items', inputElement: 'item', outputCollection: 'results', outputElement: '=result' }, [
          boundaryEvent('timeout', 'task', timerDuration('PT1H')),
          endEvent('timedOut'),
          flow('timeout', 'timedOut'),
        ]),
      );
      const pik = await start(id, { items: [1, 2, 3] });
      const jobs = byLoopCounter(await activate(h, type));
      await h.zeebe.completeJob({ jobKey: jobs[0].key, variables: { result: 'one' } });
      // when
      clock.advance(HOUR);
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(rows.filter((r) => r.valueType === 'TIMER').map((r) => `${r.intent} ${r.value.targetElementId}`)).toEqual(['CREATED timeout', 'TRIGGERED timeout']);
      const timer = rows.find((r) => r.valueType === 'TIMER')!;
      const body = rows.find((r) => r.bpmnElementType === 'MULTI_INSTANCE_BODY')!;
      expect(timer.value.elementInstanceKey).toBe(Number(body.key));
      const terminated = rows.filter((r) => r.elementId === 'task' && r.intent === 'ELEMENT_TERMINATED').map((r) => r.bpmnElementType);
      expect(terminated).toEqual(['SERVICE_TASK', 'SERVICE_TASK', 'MULTI_INSTANCE_BODY']);
      expect(rows.filter((r) => r.valueType === 'JOB' && r.intent === 'CANCELED')).toHaveLength(2);
      expect(lifecycle(rows, ['timeout'])).toEqual(['timeout:ACTIVATING', 'timeout:ACTIVATED', 'timeout:COMPLETING', 'timeout:COMPLETED']);
      expect(variableWrites(rows, { process: pik }).filter((w) => w.startsWith('results@process'))).toEqual([]);
    });

    it('should terminate the whole body when an interrupting message boundary event is correlated', async () => {
      // given
      const id = unique('mi-message');
      const type = unique('work');
      const name = unique('abort');
      await deploy(
        h,
        multiInstanceTask(
          id,
          type,
          unique('after'),
          { inputCollection: '=items', inputElement: 'item' },
          [boundaryEvent('aborted', 'task', messageEvent('msg')), endEvent('abortedEnd'), flow('aborted', 'abortedEnd')],
          [messageDefinition('msg', name, '=orderId')],
        ),
      );
      const pik = await start(id, { items: [1, 2], orderId: 'o-1' });
      await activate(h, type);
      // when
      await h.zeebe.publishMessage({ name, correlationKey: 'o-1', variables: {}, timeToLive: 0 });
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      const terminated = rows.filter((r) => r.elementId === 'task' && r.intent === 'ELEMENT_TERMINATED').map((r) => r.bpmnElementType);
      expect(terminated).toEqual(['SERVICE_TASK', 'SERVICE_TASK', 'MULTI_INSTANCE_BODY']);
      expect(lifecycle(rows, ['aborted'])).toEqual(['aborted:ACTIVATING', 'aborted:ACTIVATED', 'aborted:COMPLETING', 'aborted:COMPLETED']);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });

    it('should terminate the whole body when an inner job throws an error caught by the boundary event of the activity', async () => {
      // given
      const id = unique('mi-error');
      const type = unique('work');
      await deploy(
        h,
        multiInstanceTask(
          id,
          type,
          unique('after'),
          { inputCollection: '=items', inputElement: 'item' },
          [boundaryEvent('failed', 'task', errorEvent('err')), endEvent('failedEnd'), flow('failed', 'failedEnd')],
          [errorDefinition('err', 'BROKEN')],
        ),
      );
      const pik = await start(id, { items: [1, 2] });
      const jobs = byLoopCounter(await activate(h, type));
      // when
      await h.zeebe.throwError({ jobKey: jobs[1].key, errorCode: 'BROKEN', errorMessage: '' });
      // then
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      const terminated = rows.filter((r) => r.elementId === 'task' && r.intent === 'ELEMENT_TERMINATED').map((r) => r.bpmnElementType);
      expect(terminated).toEqual(['SERVICE_TASK', 'SERVICE_TASK', 'MULTI_INSTANCE_BODY']);
      expect(rows.filter((r) => r.valueType === 'JOB').map((r) => `${r.intent} ${r.key === jobs[1].key ? 'thrower' : 'other'}`)).toEqual([
        'CREATED other',
        'CREATED thrower',
        'ERROR_THROWN thrower',
        'CANCELED other',
      ]);
      expect(lifecycle(rows, ['failed'])).toEqual(['failed:ACTIVATING', 'failed:ACTIVATED', 'failed:COMPLETING', 'failed:COMPLETED']);
    });
  });
});
