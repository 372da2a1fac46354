import { startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import { processBuilder } from '../helpers/bpmn';
import { activate, activateNow, activateOne, completeOne, deploy, grpcError, unique, type Vars } from '../helpers/jobs';
import { describeRecords, elementsWith, instanceRecords, lifecycle, waitForInstanceEnd, type RecordRow } from '../helpers/records';

const FULL = (id: string) => [`${id}:ACTIVATING`, `${id}:ACTIVATED`, `${id}:COMPLETING`, `${id}:COMPLETED`];

describe('process structure through the Zeebe client', () => {
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

  const activatingKey = (rows: RecordRow[], elementId: string) => rows.find((r) => r.elementId === elementId && r.intent === 'ELEMENT_ACTIVATING')!.key;

  describe('embedded subprocess', () => {
    it('should enter the subprocess, run its task, complete it and continue after it', async () => {
      // given
      const id = unique('sp');
      const innerType = unique('inner');
      const afterType = unique('after');
      await deploy(
        h,
        processBuilder(id)
          .start()
          .subProcess('sp', (b) =>
            b.start('s2').serviceTask('inner', { type: innerType }).end('e2').flow('s2', 'inner', undefined, 'f_s2').flow('inner', 'e2', undefined, 'f_e2'),
          )
          .serviceTask('after', { type: afterType })
          .end()
          .chain('start', 'sp', 'after', 'end')
          .xml(),
      );
      const pik = await start(id);
      // when
      const inner = await completeOne(h, innerType);
      const after = await completeOne(h, afterType);
      await waitForInstanceEnd(h.db, pik);
      // then
      const rows = await instanceRecords(h.db, pik);
      const spKey = activatingKey(rows, 'sp');
      expect(rows.find((r) => r.elementId === 'inner' && r.intent === 'ELEMENT_ACTIVATING')!.value.flowScopeKey).toBe(Number(spKey));
      expect(inner.elementInstanceKey).toBe(activatingKey(rows, 'inner'));
      expect(after.elementId).toBe('after');
      expect(lifecycle(rows, ['sp', 's2', 'inner', 'e2', 'after'])).toEqual([
        'sp:ACTIVATING',
        'sp:ACTIVATED',
        ...FULL('s2'),
        'inner:ACTIVATING',
        'inner:ACTIVATED',
        'inner:COMPLETING',
        'inner:COMPLETED',
        ...FULL('e2'),
        'sp:COMPLETING',
        'sp:COMPLETED',
        ...FULL('after'),
      ]);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });

    it('should run a nested subprocess inside a subprocess and complete them innermost first', async () => {
      // given
      const id = unique('sp-nested');
      const type = unique('deep');
      await deploy(
        h,
        processBuilder(id)
          .start()
          .subProcess('outer', (b) =>
            b
              .start('s2')
              .subProcess('middle', (m) =>
                m.start('s3').serviceTask('deep', { type }).end('e3').flow('s3', 'deep', undefined, 'f_s3').flow('deep', 'e3', undefined, 'f_e3'),
              )
              .end('e2')
              .flow('s2', 'middle', undefined, 'f_s2')
              .flow('middle', 'e2', undefined, 'f_e2'),
          )
          .end()
          .chain('start', 'outer', 'end')
          .xml(),
      );
      const pik = await start(id);
      // when
      await completeOne(h, type);
      await waitForInstanceEnd(h.db, pik);
      // then
      const rows = await instanceRecords(h.db, pik);
      const scopeOf = (elementId: string) => rows.find((r) => r.elementId === elementId && r.intent === 'ELEMENT_ACTIVATING')!.value.flowScopeKey;
      expect(scopeOf('outer')).toBe(Number(pik));
      expect(scopeOf('middle')).toBe(Number(activatingKey(rows, 'outer')));
      expect(scopeOf('deep')).toBe(Number(activatingKey(rows, 'middle')));
      expect(elementsWith(rows, 'ELEMENT_COMPLETED')).toEqual(['start', 's2', 's3', 'deep', 'e3', 'middle', 'e2', 'outer', 'end', id]);
    });
  });

  describe('terminate end event', () => {
    it('should terminate the other branch of a fork, cancel its job and complete the process', async () => {
      // given: fork → a (waits) | b → terminate
      const id = unique('terminate');
      const aType = unique('a');
      const bType = unique('b');
      await deploy(
        h,
        processBuilder(id)
          .start()
          .gateway('parallel', 'fork')
          .serviceTask('a', { type: aType })
          .serviceTask('b', { type: bType })
          .end('endA')
          .end('kill', true)
          .chain('start', 'fork')
          .chain('fork', 'a', 'endA')
          .chain('fork', 'b', 'kill')
          .xml(),
      );
      const pik = await start(id);
      const aJob = await activateOne(h, aType);
      // when
      await completeOne(h, bType);
      await waitForInstanceEnd(h.db, pik);
      // then
      const rows = await instanceRecords(h.db, pik);
      const tail = describeRecords(rows.slice(rows.findIndex((r) => r.elementId === 'kill' && r.intent === 'ELEMENT_ACTIVATING')));
      expect(tail).toEqual([
        'PROCESS_INSTANCE ELEMENT_ACTIVATING kill',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED kill',
        'PROCESS_INSTANCE ELEMENT_COMPLETING kill',
        'PROCESS_INSTANCE ELEMENT_COMPLETED kill',
        'PROCESS_INSTANCE ELEMENT_TERMINATING a',
        'JOB CANCELED a',
        'PROCESS_INSTANCE ELEMENT_TERMINATED a',
        `PROCESS_INSTANCE ELEMENT_COMPLETING ${id}`,
        `PROCESS_INSTANCE ELEMENT_COMPLETED ${id}`,
      ]);
      expect(rows.find((r) => r.valueType === 'JOB' && r.intent === 'CANCELED')!.key).toBe(aJob.key);
      const error = await grpcError(() => h.zeebe.completeJob({ jobKey: aJob.key, variables: {} }));
      expect(error.code).toBe(5);
      expect(error.details).toContain(`Command 'COMPLETE' rejected with code 'NOT_FOUND': Expected to complete job with key '${aJob.key}', but no such job was found`);
    });

    it('should complete the process when tokens wait at a join of the terminated scope', async () => {
      // given: fork → a → join | b → join | c → terminate
      const id = unique('terminate-join');
      const types = { a: unique('a'), b: unique('b'), c: unique('c') };
      await deploy(
        h,
        processBuilder(id)
          .start()
          .gateway('parallel', 'fork')
          .serviceTask('a', { type: types.a })
          .serviceTask('b', { type: types.b })
          .serviceTask('c', { type: types.c })
          .gateway('parallel', 'join')
          .end()
          .end('kill', true)
          .chain('start', 'fork')
          .chain('fork', 'a', 'join')
          .chain('fork', 'b', 'join')
          .chain('join', 'end')
          .chain('fork', 'c', 'kill')
          .xml(),
      );
      const pik = await start(id);
      await completeOne(h, types.a);
      // when
      await completeOne(h, types.c);
      // then
      expect((await waitForInstanceEnd(h.db, pik)).intent).toBe('ELEMENT_COMPLETED');
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['b'])).toEqual(['b:ACTIVATING', 'b:ACTIVATED', 'b:TERMINATING', 'b:TERMINATED']);
      expect(lifecycle(rows, ['join'])).toEqual([]);
      expect(await activateNow(h, types.b)).toEqual([]);
    });

    it('should complete only the subprocess when the terminate end event is inside it', async () => {
      // given: fork → sp(s2 → fork2 → inner | kill) → after  |  outer
      const id = unique('terminate-sp');
      const innerType = unique('inner');
      const outerType = unique('outer');
      const afterType = unique('after');
      await deploy(
        h,
        processBuilder(id)
          .start()
          .gateway('parallel', 'fork')
          .subProcess('sp', (b) =>
            b
              .start('s2')
              .gateway('parallel', 'fork2')
              .serviceTask('inner', { type: innerType })
              .end('e2')
              .end('kill', true)
              .flow('s2', 'fork2', undefined, 'f_1')
              .flow('fork2', 'inner', undefined, 'f_2')
              .flow('inner', 'e2', undefined, 'f_3')
              .flow('fork2', 'kill', undefined, 'f_4'),
          )
          .serviceTask('after', { type: afterType })
          .serviceTask('outer', { type: outerType })
          .end()
          .end('endOuter')
          .chain('start', 'fork')
          .chain('fork', 'sp', 'after', 'end')
          .chain('fork', 'outer', 'endOuter')
          .xml(),
      );
      // when
      const pik = await start(id);
      // then
      expect((await activate(h, afterType)).map((j) => j.elementId)).toEqual(['after']);
      expect((await activate(h, outerType)).map((j) => j.elementId)).toEqual(['outer']);
      expect(await activateNow(h, innerType)).toEqual([]);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['inner'])).toEqual(['inner:ACTIVATING', 'inner:ACTIVATED', 'inner:TERMINATING', 'inner:TERMINATED']);
      expect(lifecycle(rows, ['sp'])).toEqual(FULL('sp'));
      expect(lifecycle(rows, [id])).toEqual([`${id}:ACTIVATING`, `${id}:ACTIVATED`]);
      expect(lifecycle(rows, ['outer'])).toEqual(['outer:ACTIVATING', 'outer:ACTIVATED']);
    });
  });

  describe('job-based tasks', () => {
    const HEADERS = { channel: 'email', template: 'welcome' };
    const withJobType = (kind: string) => (type: string) =>
      `<bpmn:${kind} id="x"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" retries="5"/>` +
      '<zeebe:taskHeaders><zeebe:header key="channel" value="email"/><zeebe:header key="template" value="welcome"/></zeebe:taskHeaders>' +
      `</bpmn:extensionElements></bpmn:${kind}>`;
    // A job worker user task: Zeebe's fixed job type and one retry; the assignment goes into headers.
    const userTask = () =>
      '<bpmn:userTask id="x"><bpmn:extensionElements>' +
      '<zeebe:assignmentDefinition assignee="anna" candidateGroups="sales, marketing"/>' +
      '<zeebe:taskHeaders><zeebe:header key="form" value="consent-v2"/></zeebe:taskHeaders>' +
      '</bpmn:extensionElements></bpmn:userTask>';

    it.each<[string, string, (type: string) => string, string | undefined, number, Record<string, string>]>([
      ['a send task', 'SEND_TASK', withJobType('sendTask'), undefined, 5, HEADERS],
      ['a script task with a job type', 'SCRIPT_TASK', withJobType('scriptTask'), undefined, 5, HEADERS],
      ['a business rule task with a job type', 'BUSINESS_RULE_TASK', withJobType('businessRuleTask'), undefined, 5, HEADERS],
      [
        'a user task without zeebe:userTask',
        'USER_TASK',
        userTask,
        'io.camunda.zeebe:userTask',
        1,
        { form: 'consent-v2', 'io.camunda.zeebe:assignee': 'anna', 'io.camunda.zeebe:candidateGroups': '["sales","marketing"]' },
      ],
    ])('should run %s as a job of its type with its headers and continue when the job completes', async (what, bpmnElementType, element, fixedType, retries, headers) => {
      // given start → x → after → end
      const id = unique('job-task');
      const type = fixedType ?? unique('task-type');
      const afterType = unique('after');
      await deploy(h, processBuilder(id).start().raw(element(type)).serviceTask('after', { type: afterType }).end().chain('start', 'x', 'after', 'end').xml());
      const pik = await start(id, { customer: 'c-1' });
      // when
      const job = await activateOne(h, type);
      await h.zeebe.completeJob({ jobKey: job.key, variables: { outcome: what } });
      // then the job was the task's …
      expect(job).toMatchObject({ type, elementId: 'x', retries, variables: { customer: 'c-1' } });
      expect(job.customHeaders).toEqual(headers);
      const rows = await instanceRecords(h.db, pik);
      expect(job.elementInstanceKey).toBe(activatingKey(rows, 'x'));
      expect(rows.find((r) => r.elementId === 'x')!.bpmnElementType).toBe(bpmnElementType);
      expect(describeRecords(rows.filter((r) => r.elementId === 'x'))).toEqual([
        'PROCESS_INSTANCE ELEMENT_ACTIVATING x',
        'JOB CREATED x',
        'PROCESS_INSTANCE ELEMENT_ACTIVATED x',
        'JOB COMPLETED x',
        'PROCESS_INSTANCE ELEMENT_COMPLETING x',
        'PROCESS_INSTANCE ELEMENT_COMPLETED x',
      ]);
      // … and completing it moved the instance on, with the job's variables
      const after = await completeOne(h, afterType);
      expect(after.variables).toEqual({ customer: 'c-1', outcome: what });
      expect((await waitForInstanceEnd(h.db, pik)).intent).toBe('ELEMENT_COMPLETED');
    });
  });

  describe('pass-through elements', () => {
    it.each([
      ['a manual task', '<bpmn:manualTask id="x"/>', 'MANUAL_TASK'],
      ['an undefined task', '<bpmn:task id="x"/>', 'TASK'],
      ['a none intermediate throw event', '<bpmn:intermediateThrowEvent id="x"/>', 'INTERMEDIATE_THROW_EVENT'],
    ])('should pass through %s', async (_, xml, type) => {
      // given
      const id = unique('pass');
      await deploy(h, processBuilder(id).start().raw(xml).end().chain('start', 'x', 'end').xml());
      // when
      const pik = await start(id);
      await waitForInstanceEnd(h.db, pik);
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['x'])).toEqual(FULL('x'));
      expect(rows.find((r) => r.elementId === 'x')!.bpmnElementType).toBe(type);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
      expect(rows.filter((r) => r.valueType === 'JOB')).toEqual([]);
    });
  });

  describe('cancel process instance', () => {
    /** fork → a (job) | b (job, will get an incident) | sp(inner job). */
    async function deployBusy(): Promise<{ id: string; types: { a: string; b: string; inner: string } }> {
      const id = unique('cancel');
      const types = { a: unique('a'), b: unique('b'), inner: unique('inner') };
      await deploy(
        h,
        processBuilder(id)
          .start()
          .gateway('parallel', 'fork')
          .serviceTask('a', { type: types.a })
          .serviceTask('b', { type: types.b })
          .subProcess('sp', (s) => s.start('s2').serviceTask('inner', { type: types.inner }).flow('s2', 'inner', undefined, 'f_inner'))
          .gateway('parallel', 'join')
          .end()
          .chain('start', 'fork')
          .chain('fork', 'a', 'join')
          .chain('fork', 'b', 'join')
          .chain('fork', 'sp', 'join')
          .chain('join', 'end')
          .xml(),
      );
      return { id, types };
    }

    it('should terminate every element instance, children before their scope and the process last', async () => {
      // given
      const { id, types } = await deployBusy();
      const pik = await start(id);
      await activateOne(h, types.inner);
      // when
      await h.zeebe.cancelProcessInstance(pik);
      // then
      const rows = await instanceRecords(h.db, pik);
      const cancel = rows.slice(rows.findIndex((r) => r.elementId === id && r.intent === 'ELEMENT_TERMINATING'));
      expect(lifecycle(cancel)[0]).toBe(`${id}:TERMINATING`);
      expect(lifecycle(cancel).at(-1)).toBe(`${id}:TERMINATED`);
      expect(new Set(elementsWith(cancel, 'ELEMENT_TERMINATED'))).toEqual(new Set(['a', 'b', 'inner', 'sp', id]));
      const terminated = elementsWith(cancel, 'ELEMENT_TERMINATED');
      expect(terminated.indexOf('inner')).toBeLessThan(terminated.indexOf('sp'));
      for (const elementId of ['a', 'b', 'sp', 'inner']) {
        expect(lifecycle(cancel, [elementId])).toEqual([`${elementId}:TERMINATING`, `${elementId}:TERMINATED`]);
      }
      expect(rows.filter((r) => r.valueType === 'PROCESS_INSTANCE' && r.intent === 'ELEMENT_COMPLETED').map((r) => r.elementId)).toEqual(['start', 'fork', 's2']);
    });

    it('should cancel the jobs of the instance and reject completing them with NOT_FOUND', async () => {
      // given
      const { id, types } = await deployBusy();
      const pik = await start(id);
      const aJob = await activateOne(h, types.a);
      // when
      await h.zeebe.cancelProcessInstance(pik);
      // then
      const rows = await instanceRecords(h.db, pik, { valueType: 'JOB' });
      expect(rows.filter((r) => r.intent === 'CANCELED').map((r) => r.elementId).sort()).toEqual(['a', 'b', 'inner']);
      expect(await activateNow(h, types.b)).toEqual([]);
      const error = await grpcError(() => h.zeebe.completeJob({ jobKey: aJob.key, variables: {} }));
      expect(error.code).toBe(5);
      expect(error.details).toContain(`Expected to complete job with key '${aJob.key}', but no such job was found`);
    });

    it('should resolve the incidents of the canceled instance', async () => {
      // given
      const { id, types } = await deployBusy();
      const pik = await start(id);
      const bJob = await activateOne(h, types.b);
      await h.zeebe.failJob({ jobKey: bJob.key, retries: 0, errorMessage: 'boom', retryBackOff: 0 });
      const [created] = await instanceRecords(h.db, pik, { valueType: 'INCIDENT' });
      expect(created.value).toMatchObject({ errorType: 'JOB_NO_RETRIES', errorMessage: 'boom', jobKey: Number(bJob.key) });
      // when
      await h.zeebe.cancelProcessInstance(pik);
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(rows.filter((r) => r.valueType === 'INCIDENT').map((r) => `${r.intent} ${r.key}`)).toEqual([`CREATED ${created.key}`, `RESOLVED ${created.key}`]);
      const resolved = rows.findIndex((r) => r.valueType === 'INCIDENT' && r.intent === 'RESOLVED');
      const processTerminated = rows.findIndex((r) => r.elementId === id && r.intent === 'ELEMENT_TERMINATED');
      expect(resolved).toBeLessThan(processTerminated);
      const error = await grpcError(() => h.zeebe.resolveIncident({ incidentKey: created.key }));
      expect(error.code).toBe(5);
    });

    it('should terminate an element stuck in an incident while activating and resolve its incident', async () => {
      // given: an exclusive gateway without a true condition
      const id = unique('cancel-gateway');
      await deploy(
        h,
        processBuilder(id).start().gateway('exclusive', 'g').end('yes').end('no').flow('start', 'g').flow('g', 'yes', '=x > 5').flow('g', 'no', '=x < 0').xml(),
      );
      const pik = await start(id, { x: 1 });
      // when
      await h.zeebe.cancelProcessInstance(pik);
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['g'])).toEqual(['g:ACTIVATING', 'g:TERMINATING', 'g:TERMINATED']);
      expect(rows.filter((r) => r.valueType === 'INCIDENT').map((r) => r.intent)).toEqual(['CREATED', 'RESOLVED']);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_TERMINATED' });
    });

    it('should reject cancelling an instance that was already canceled with NOT_FOUND', async () => {
      // given
      const { id } = await deployBusy();
      const pik = await start(id);
      await h.zeebe.cancelProcessInstance(pik);
      // when
      const error = await grpcError(() => h.zeebe.cancelProcessInstance(pik));
      // then
      expect(error.code).toBe(5);
      expect(error.details).toBe(
        `Command 'CANCEL' rejected with code 'NOT_FOUND': Expected to cancel a process instance with key '${pik}', but no such process was found`,
      );
    });
  });
});
