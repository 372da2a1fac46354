import { startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import { processBuilder, type TaskOptions } from '../helpers/bpmn';
import { activateOne, completeOne, deploy, unique, setVariables, type Vars } from '../helpers/jobs';
import { elementInstanceKey, instanceRecords, scopeVariables, waitForInstanceEnd, waitForRecord, type RecordRow } from '../helpers/records';

describe('variables through the Zeebe client', () => {
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

  /** VARIABLE records as `INTENT name=value@scope` with the scope as 'root', 'task', 'sp', … */
  function variableEvents(rows: RecordRow[], scopes: Record<string, string>): string[] {
    const names = new Map(Object.entries(scopes).map(([name, key]) => [String(key), name]));
    return rows
      .filter((r) => r.valueType === 'VARIABLE')
      .map((r) => `${r.intent} ${r.value.name}=${r.value.value}@${names.get(String(r.value.scopeKey)) ?? r.value.scopeKey}`);
  }

  /** start → task (type, options) → after (afterType) → end: `after` shows what the task left behind. */
  function taskThenAfter(id: string, type: string, afterType: string, options: TaskOptions = {}): string {
    return processBuilder(id)
      .start()
      .serviceTask('task', { type, ...options })
      .serviceTask('after', { type: afterType })
      .end()
      .chain('start', 'task', 'after', 'end')
      .xml();
  }

  /** start → sp(input mappings; s2 → inner → e2) → after → end. */
  function subprocessProcess(id: string, innerType: string, afterType: string, spOptions: TaskOptions = {}): string {
    return processBuilder(id)
      .start()
      .subProcess(
        'sp',
        (b) =>
          b
            .start('s2')
            .serviceTask('inner', { type: innerType })
            .end('e2')
            .flow('s2', 'inner', undefined, 'sp_f1')
            .flow('inner', 'e2', undefined, 'sp_f2'),
        spOptions,
      )
      .serviceTask('after', { type: afterType })
      .end()
      .chain('start', 'sp', 'after', 'end')
      .xml();
  }

  it('should create the creation variables in the root scope before the process runs', async () => {
    // given
    const id = unique('vars-create');
    const type = unique('work');
    await deploy(h, taskThenAfter(id, type, unique('after')));
    // when
    const pik = await start(id, { a: 1, b: 'two', c: { d: [true, null] } });
    // then
    const rows = await instanceRecords(h.db, pik);
    expect(variableEvents(rows, { root: pik })).toEqual(['CREATED a=1@root', 'CREATED b="two"@root', 'CREATED c={"d":[true,null]}@root']);
    const firstVariable = rows.findIndex((r) => r.valueType === 'VARIABLE');
    const startActivating = rows.findIndex((r) => r.elementId === 'start' && r.intent === 'ELEMENT_ACTIVATING');
    expect(firstVariable).toBeLessThan(startActivating);
    expect(rows.filter((r) => r.valueType === 'VARIABLE').every((r) => r.value.processInstanceKey === Number(pik) && r.value.bpmnProcessId === id)).toBe(true);
    const job = await activateOne(h, type);
    expect(job.variables).toEqual({ a: 1, b: 'two', c: { d: [true, null] } });
  });

  it('should set job variables in the nearest scope that has them, else in the root scope', async () => {
    // given: the subprocess has a local variable `local` (input mapping); the root has `shared`
    const id = unique('vars-propagate');
    const innerType = unique('inner');
    const afterType = unique('after');
    await deploy(h, subprocessProcess(id, innerType, afterType, { inputs: [['=0', 'local']] }));
    const pik = await start(id, { shared: 'root' });
    const spKey = await elementInstanceKey(h.db, pik, 'sp');
    // when
    const inner = await completeOne(h, innerType, { local: 1, shared: 'job', fresh: true });
    // then
    expect(inner.variables).toEqual({ shared: 'root', local: 0 });
    const rows = await instanceRecords(h.db, pik);
    expect(variableEvents(rows, { root: pik, sp: spKey })).toEqual([
      'CREATED shared="root"@root',
      'CREATED local=0@sp',
      'UPDATED local=1@sp',
      'UPDATED shared="job"@root',
      'CREATED fresh=true@root',
    ]);
    const after = await activateOne(h, afterType);
    expect(after.variables).toEqual({ shared: 'job', fresh: true });
  });

  it('should update an input-mapped local of the task on job completion and not propagate it', async () => {
    // given: the task has a local `status` from an input mapping; the root has its own `status`
    const id = unique('vars-task-local');
    const type = unique('work');
    const afterType = unique('after');
    await deploy(h, taskThenAfter(id, type, afterType, { inputs: [['="mapped"', 'status']] }));
    const pik = await start(id, { status: 'root' });
    // when
    const job = await completeOne(h, type, { status: 'from job' });
    // then
    expect(job.variables).toEqual({ status: 'mapped' });
    const rows = await instanceRecords(h.db, pik);
    expect(variableEvents(rows, { root: pik, task: job.elementInstanceKey })).toEqual([
      'CREATED status="root"@root',
      'CREATED status="mapped"@task',
      'UPDATED status="from job"@task',
    ]);
    expect((await activateOne(h, afterType)).variables).toEqual({ status: 'root' });
  });

  it('should keep the job result local and propagate only the mapped targets when the task has output mappings', async () => {
    // given
    const id = unique('vars-outputs');
    const type = unique('work');
    const afterType = unique('after');
    await deploy(h, taskThenAfter(id, type, afterType, { outputs: [['=result.total', 'total']] }));
    const pik = await start(id, { input: 1 });
    // when
    const job = await completeOne(h, type, { result: { total: 5, lines: 2 }, temp: 'x' });
    // then
    const after = await activateOne(h, afterType);
    expect(after.variables).toEqual({ input: 1, total: 5 });
    const rows = await instanceRecords(h.db, pik);
    expect(variableEvents(rows, { root: pik, task: job.elementInstanceKey })).toEqual([
      'CREATED input=1@root',
      'CREATED result={"total":5,"lines":2}@task',
      'CREATED temp="x"@task',
      'CREATED total=5@root',
    ]);
  });

  it('should create input-mapped variables as locals of the task, visible to its job only', async () => {
    // given
    const id = unique('vars-inputs');
    const type = unique('work');
    const afterType = unique('after');
    await deploy(h, taskThenAfter(id, type, afterType, { inputs: [['=order.id', 'orderId']] }));
    const pik = await start(id, { order: { id: 'o-1' } });
    // when
    const job = await completeOne(h, type, {});
    // then
    expect(job.variables).toEqual({ order: { id: 'o-1' }, orderId: 'o-1' });
    const after = await activateOne(h, afterType);
    expect(after.variables).toEqual({ order: { id: 'o-1' } });
    const rows = await instanceRecords(h.db, pik);
    expect(variableEvents(rows, { root: pik, task: job.elementInstanceKey })).toEqual(['CREATED order={"id":"o-1"}@root', 'CREATED orderId="o-1"@task']);
  });

  it('should map a missing input source to null', async () => {
    // given
    const id = unique('vars-missing');
    const type = unique('work');
    await deploy(h, taskThenAfter(id, type, unique('after'), { inputs: [['=nowhere', 'm'], ['=order.nothing', 'n']] }));
    const pik = await start(id, { order: {} });
    // when
    const job = await activateOne(h, type);
    // then
    expect(job.variables).toEqual({ order: {}, m: null, n: null });
    const rows = await instanceRecords(h.db, pik, { valueType: 'INCIDENT' });
    expect(rows).toEqual([]);
    expect(await scopeVariables(h.db, pik, job.elementInstanceKey)).toEqual({ m: null, n: null });
  });

  // Zeebe raises IO_MAPPING_ERROR (not EXTRACT_VALUE_ERROR) when a variable mapping fails: its
  // ExpressionProcessor.evaluateVariableMappingExpression maps every failure to that type.
  it('should raise an IO_MAPPING_ERROR incident on the task when an input mapping fails, and create the job once fixed and resolved', async () => {
    // given
    const id = unique('vars-input-fails');
    const type = unique('work');
    const afterType = unique('after');
    const source = '=assert(customerId, customerId != null, "customerId is required")';
    await deploy(h, taskThenAfter(id, type, afterType, { inputs: [[source, 'customer']] }));
    // when
    const pik = await start(id, { order: 'o-1' });
    // then the task stops before its job, with an incident about the mapping
    const incident = await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'INCIDENT', intent: 'CREATED' });
    const taskKey = await elementInstanceKey(h.db, pik, 'task');
    expect(incident.value).toMatchObject({
      errorType: 'IO_MAPPING_ERROR',
      errorMessage: `failed to evaluate expression '${source.slice(1)}': customerId is required`,
      elementId: 'task',
      elementInstanceKey: Number(taskKey),
      jobKey: -1,
    });
    const rows = await instanceRecords(h.db, pik);
    expect(rows.filter((r) => r.elementId === 'task').map((r) => `${r.valueType} ${r.intent}`)).toEqual([
      'PROCESS_INSTANCE ELEMENT_ACTIVATING',
      'INCIDENT CREATED',
    ]);
    expect(variableEvents(rows, { root: pik })).toEqual(['CREATED order="o-1"@root']);
    // when the variable is set and the incident resolved
    await h.zeebe.setVariables({ elementInstanceKey: pik, variables: { customerId: 'c-7' }, local: false });
    await h.zeebe.resolveIncident({ incidentKey: incident.key });
    // then the mapping runs and the job sees its result
    const job = await completeOne(h, type, {});
    expect(job.elementInstanceKey).toBe(taskKey);
    expect(job.variables).toEqual({ order: 'o-1', customerId: 'c-7', customer: 'c-7' });
    await completeOne(h, afterType, {});
    expect((await waitForInstanceEnd(h.db, pik)).intent).toBe('ELEMENT_COMPLETED');
  });

  it('should raise an IO_MAPPING_ERROR incident on the completing task when an output mapping fails, and complete it once fixed and resolved', async () => {
    // given
    const id = unique('vars-output-fails');
    const type = unique('work');
    const afterType = unique('after');
    const source = '=assert(result, result != null, "the job returned no result")';
    await deploy(h, taskThenAfter(id, type, afterType, { outputs: [[source, 'total']] }));
    const pik = await start(id, {});
    // when the job completes without the variable the mapping needs
    const job = await completeOne(h, type, { other: 1 });
    // then the task stays completing, with an incident about the mapping
    const incident = await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'INCIDENT', intent: 'CREATED' });
    expect(incident.value).toMatchObject({
      errorType: 'IO_MAPPING_ERROR',
      errorMessage: `failed to evaluate expression '${source.slice(1)}': the job returned no result`,
      elementId: 'task',
      elementInstanceKey: Number(job.elementInstanceKey),
      jobKey: -1,
    });
    const rows = await instanceRecords(h.db, pik);
    expect(rows.filter((r) => r.elementId === 'task' && r.valueType === 'PROCESS_INSTANCE').map((r) => r.intent)).toEqual([
      'ELEMENT_ACTIVATING',
      'ELEMENT_ACTIVATED',
      'ELEMENT_COMPLETING',
    ]);
    expect(variableEvents(rows, { root: pik, task: job.elementInstanceKey })).toEqual(['CREATED other=1@task']);
    // when the result is set on the task and the incident resolved
    await h.zeebe.setVariables({ elementInstanceKey: job.elementInstanceKey, variables: { result: 42 }, local: true });
    await h.zeebe.resolveIncident({ incidentKey: incident.key });
    // then the mapping runs, the task completes and only the mapped target propagates
    const after = await activateOne(h, afterType);
    expect(after.variables).toEqual({ total: 42 });
    const completed = await instanceRecords(h.db, pik, { elementId: 'task', intent: 'ELEMENT_COMPLETED' });
    expect(completed).toHaveLength(1);
  });

  it('should build nested objects for dotted mapping targets', async () => {
    // given
    const id = unique('vars-nested');
    const type = unique('work');
    const afterType = unique('after');
    await deploy(
      h,
      taskThenAfter(id, type, afterType, {
        inputs: [
          ['=a', 'target.x'],
          ['=b', 'target.y.z'],
        ],
        outputs: [
          ['=r', 'res.value'],
          ['=target.x', 'res.copy'],
        ],
      }),
    );
    await start(id, { a: 1, b: 2 });
    // when
    const job = await completeOne(h, type, { r: 'done' });
    // then
    expect(job.variables).toEqual({ a: 1, b: 2, target: { x: 1, y: { z: 2 } } });
    const after = await activateOne(h, afterType);
    expect(after.variables).toEqual({ a: 1, b: 2, res: { value: 'done', copy: 1 } });
  });

  it('should keep local SetVariables in the given scope', async () => {
    // given
    const id = unique('vars-set-local');
    const innerType = unique('inner');
    await deploy(h, subprocessProcess(id, innerType, unique('after')));
    const pik = await start(id, {});
    const spKey = await elementInstanceKey(h.db, pik, 'sp');
    // when
    const documentKey = await setVariables(h, spKey, { l: 1 }, true);
    // then
    const rows = await instanceRecords(h.db, pik);
    expect(variableEvents(rows, { root: pik, sp: spKey })).toEqual(['CREATED l=1@sp']);
    const document = rows.find((r) => r.valueType === 'VARIABLE_DOCUMENT')!;
    expect(document).toMatchObject({ intent: 'UPDATED', key: documentKey });
    expect(document.value).toMatchObject({ scopeKey: Number(spKey), updateSemantics: 'LOCAL', variables: { l: 1 } });
    const inner = await activateOne(h, innerType);
    expect(inner.variables).toEqual({ l: 1 });
  });

  it('should propagate non-local SetVariables to the nearest scope that has the variable, else the root', async () => {
    // given: the subprocess has `l` locally
    const id = unique('vars-set-propagate');
    const innerType = unique('inner');
    const afterType = unique('after');
    await deploy(h, subprocessProcess(id, innerType, afterType, { inputs: [['=0', 'l']] }));
    const pik = await start(id, {});
    const spKey = await elementInstanceKey(h.db, pik, 'sp');
    const innerJob = await activateOne(h, innerType);
    // when: set on the inner task's scope, without local
    await h.zeebe.setVariables({ elementInstanceKey: innerJob.elementInstanceKey, variables: { l: 5, p: 2 }, local: false });
    // then
    const rows = await instanceRecords(h.db, pik);
    expect(variableEvents(rows, { root: pik, sp: spKey })).toEqual(['CREATED l=0@sp', 'UPDATED l=5@sp', 'CREATED p=2@root']);
    expect(rows.find((r) => r.valueType === 'VARIABLE_DOCUMENT')!.value).toMatchObject({ updateSemantics: 'PROPAGATE' });
    await h.zeebe.completeJob({ jobKey: innerJob.key, variables: {} });
    const after = await activateOne(h, afterType);
    expect(after.variables).toEqual({ p: 2 });
  });

  it('should send only the variables named in fetchVariable', async () => {
    // given
    const id = unique('vars-fetch');
    const type = unique('work');
    await deploy(h, taskThenAfter(id, type, unique('after'), { inputs: [['=1', 'localOne']] }));
    await start(id, { a: 1, b: 2, c: { deep: true } });
    // when
    const job = await activateOne(h, type, { fetchVariable: ['a', 'c', 'localOne', 'absent'] });
    // then
    expect(job.variables).toEqual({ a: 1, c: { deep: true }, localOne: 1 });
  });

  it('should give a job the innermost value of a variable that several scopes hold', async () => {
    // given: root x = "root", subprocess-local x = "sp"
    const id = unique('vars-shadow');
    const innerType = unique('inner');
    await deploy(h, subprocessProcess(id, innerType, unique('after'), { inputs: [['="sp"', 'x']] }));
    await start(id, { x: 'root', y: 'root' });
    // when
    const all = await activateOne(h, innerType, { timeout: 1 });
    await new Promise((r) => setTimeout(r, 50));
    const fetched = await activateOne(h, innerType, { fetchVariable: ['x'] });
    // then
    expect(all.variables).toEqual({ x: 'sp', y: 'root' });
    expect(fetched.variables).toEqual({ x: 'sp' });
  });

  it('should write VARIABLE CREATED and UPDATED records whose values are JSON texts, and nothing for an unchanged value', async () => {
    // given
    const id = unique('vars-records');
    const type = unique('work');
    await deploy(h, taskThenAfter(id, type, unique('after')));
    const pik = await start(id, { s: 'bar', n: 1, o: { k: [1, 'x'] } });
    // when
    await completeOne(h, type, { s: 'baz', n: 1, o: { k: [1, 'x'] }, f: 1.5 });
    // then
    const rows = (await instanceRecords(h.db, pik)).filter((r) => r.valueType === 'VARIABLE');
    expect(rows.map((r) => [r.intent, r.value.name, r.value.value])).toEqual([
      ['CREATED', 's', '"bar"'],
      ['CREATED', 'n', '1'],
      ['CREATED', 'o', '{"k":[1,"x"]}'],
      ['UPDATED', 's', '"baz"'],
      ['CREATED', 'f', '1.5'],
    ]);
    expect(rows[3].key).toBe(rows[0].key);
    expect(rows[0].value).toMatchObject({ scopeKey: Number(pik), processInstanceKey: Number(pik), bpmnProcessId: id, tenantId: '<default>' });
  });

  it('should round-trip unicode, nested objects and large arrays exactly', async () => {
    // given
    const id = unique('vars-roundtrip');
    const type = unique('work');
    const afterType = unique('after');
    await deploy(h, taskThenAfter(id, type, afterType));
    const payload = {
      text: 'ñandú 🦤 日本語 — "quotes" \\ back\\slash \n newline \t tab',
      emoji: '👩🏽‍💻',
      nested: { a: { b: { c: { d: { e: [1, { f: 'g' }, [null, false]] } } } } },
      numbers: [0, -0.5, 1e-7, 123456789.123, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER],
      big: Array.from({ length: 10_000 }, (_, i) => ({ i, s: `item-${i}` })),
      empty: { list: [], object: {}, string: '' },
    };
    await start(id, { payload });
    // when
    const job = await activateOne(h, type);
    await h.zeebe.completeJob({ jobKey: job.key, variables: { echoed: job.variables.payload } });
    // then
    expect(job.variables).toEqual({ payload });
    const after = await activateOne(h, afterType);
    expect(after.variables).toEqual({ payload, echoed: payload });
  });

  it('should accept a string containing a NUL character', async () => {
    // given: valid JSON ("\u0000"), which PostgreSQL text/jsonb cannot hold as such
    const id = unique('vars-nul');
    const type = unique('work');
    await deploy(h, taskThenAfter(id, type, unique('after')));
    // when
    const pik = await start(id, { text: 'a\u0000b' });
    // then
    const job = await activateOne(h, type);
    expect(job.variables).toEqual({ text: 'a\u0000b' });
    const rows = await instanceRecords(h.db, pik, { valueType: 'VARIABLE' });
    expect(rows.map((r) => r.value.value)).toEqual(['"a\\u0000b"']);
  });

  it('should make creation variables visible to the whole instance until it completes', async () => {
    // given
    const id = unique('vars-lifetime');
    const type = unique('work');
    const afterType = unique('after');
    await deploy(h, taskThenAfter(id, type, afterType));
    const pik = await start(id, { keep: 'me' });
    // when
    await completeOne(h, type, {});
    const after = await completeOne(h, afterType, {});
    await waitForInstanceEnd(h.db, pik);
    // then
    expect(after.variables).toEqual({ keep: 'me' });
    const error = await h.zeebe.setVariables({ elementInstanceKey: pik, variables: { late: 1 }, local: false }).catch((e) => e);
    expect(error.code).toBe(5);
    expect(error.details).toContain(`Expected to update variables for element with key '${pik}', but no such element was found`);
  });
});
