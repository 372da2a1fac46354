import { startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import { callActivity, chain, definitions, endEvent, ioMapping, process, serviceTask, startEvent } from '../helpers/bpmn-xml';
import { activateNow, activateOne, completeOne, deploy, grpcError, unique, type Vars } from '../helpers/jobs';
import { variableWrites, waitForChildInstance, waitForIncident } from '../helpers/instances';
import { elementInstanceKey, instanceRecords, lifecycle, records, waitForInstanceEnd, waitForRecord } from '../helpers/records';

const FULL = (id: string) => [`${id}:ACTIVATING`, `${id}:ACTIVATED`, `${id}:COMPLETING`, `${id}:COMPLETED`];

/**
 * Call activities through the Zeebe client: the child instance (latest version of the called
 * process), variables in and out, the links between parent and child records, cancellation,
 * and the incident when the called process is missing.
 */
describe('call activities through the Zeebe client', () => {
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

  /** start → childTask (job of `type`) → end. */
  const childProcess = (id: string, type: string, startId = 'start') =>
    definitions(process(id, startEvent(startId), serviceTask('childTask', type), endEvent(), chain(startId, 'childTask', 'end')));

  /** start → call → after (job of `afterType`) → end. */
  const parentProcess = (id: string, calledProcessId: string, afterType: string, options: Parameters<typeof callActivity>[2] = {}) =>
    definitions(process(id, startEvent(), callActivity('call', calledProcessId, options), serviceTask('after', afterType), endEvent(), chain('start', 'call', 'after', 'end')));

  async function deployPair(options: Parameters<typeof callActivity>[2] = {}) {
    const childId = unique('child');
    const parentId = unique('parent');
    const types = { child: unique('child-work'), after: unique('after') };
    await deploy(h, childProcess(childId, types.child), 'child.bpmn');
    await deploy(h, parentProcess(parentId, childId, types.after, options), 'parent.bpmn');
    return { childId, parentId, types };
  }

  describe('the child instance', () => {
    it('should start the latest version of the called process', async () => {
      // given
      const childId = unique('child-versions');
      const parentId = unique('parent-versions');
      const type = unique('child-work');
      await deploy(h, childProcess(childId, type, 'v1'), 'child.bpmn');
      const v2 = await deploy(h, childProcess(childId, type, 'v2'), 'child.bpmn');
      await deploy(h, parentProcess(parentId, childId, unique('after')), 'parent.bpmn');
      // when
      const pik = await start(parentId);
      // then
      const childKey = await waitForChildInstance(h.db, pik);
      const child = await instanceRecords(h.db, childKey);
      expect(child[0].value).toMatchObject({ bpmnProcessId: childId, version: 2, processDefinitionKey: Number(v2.processDefinitionKey) });
      expect(lifecycle(child, ['v1', 'v2'])).toEqual(FULL('v2'));
    });

    it('should start the called process named by a FEEL expression', async () => {
      // given
      const childId = unique('child-feel');
      const parentId = unique('parent-feel');
      const type = unique('child-work');
      await deploy(h, childProcess(childId, type), 'child.bpmn');
      await deploy(h, parentProcess(parentId, '="child-" + region', unique('after')), 'parent.bpmn');
      // when
      const pik = await start(parentId, { region: childId.slice('child-'.length) });
      // then
      const job = await activateOne(h, type);
      expect(job.bpmnProcessId).toBe(childId);
      expect(job.processInstanceKey).toBe(await waitForChildInstance(h.db, pik));
    });

    it('should complete the call activity and continue the parent when the job in the child completes', async () => {
      // given
      const { parentId, childId, types } = await deployPair();
      const pik = await start(parentId);
      const childKey = await waitForChildInstance(h.db, pik);
      // when
      await completeOne(h, types.child);
      // then
      await completeOne(h, types.after);
      await waitForInstanceEnd(h.db, pik);
      const all = [...(await instanceRecords(h.db, pik)), ...(await instanceRecords(h.db, childKey))].sort((a, b) => a.position - b.position);
      expect(lifecycle(all, [childId, 'childTask', 'call', 'after'])).toEqual([
        'call:ACTIVATING',
        'call:ACTIVATED',
        `${childId}:ACTIVATING`,
        `${childId}:ACTIVATED`,
        'childTask:ACTIVATING',
        'childTask:ACTIVATED',
        'childTask:COMPLETING',
        'childTask:COMPLETED',
        `${childId}:COMPLETING`,
        `${childId}:COMPLETED`,
        'call:COMPLETING',
        'call:COMPLETED',
        ...FULL('after'),
      ]);
      expect(all.at(-1)).toMatchObject({ elementId: parentId, intent: 'ELEMENT_COMPLETED' });
    });

    it('should link every record of the child instance to the parent instance and the call activity', async () => {
      // given
      const { parentId, types } = await deployPair();
      const pik = await start(parentId);
      const childKey = await waitForChildInstance(h.db, pik);
      const callKey = await elementInstanceKey(h.db, pik, 'call');
      // when
      await completeOne(h, types.child);
      // then
      await waitForRecord(h.db, { processInstanceKey: pik, elementId: 'call', intent: 'ELEMENT_COMPLETED' });
      const child = await instanceRecords(h.db, childKey, { valueType: 'PROCESS_INSTANCE' });
      expect(child.length).toBeGreaterThan(10);
      const links = new Set(child.map((r) => `${r.elementId} ${r.value.parentProcessInstanceKey}/${r.value.parentElementInstanceKey}`));
      expect([...links].filter((link) => !link.endsWith(` ${pik}/${callKey}`))).toEqual([]);
      const parent = await instanceRecords(h.db, pik, { valueType: 'PROCESS_INSTANCE' });
      expect(parent.every((r) => r.value.parentProcessInstanceKey === -1 && r.value.parentElementInstanceKey === -1)).toBe(true);
    });
  });

  describe('variables', () => {
    it('should copy every variable visible to the call activity, and its input mappings, into the child', async () => {
      // given
      const { parentId, types } = await deployPair({ extensions: ioMapping({ inputs: [['=amount * 2', 'doubled']] }) });
      // when
      const pik = await start(parentId, { amount: 21, customer: { id: 'c-1' } });
      // then
      const job = await activateOne(h, types.child);
      expect(job.variables).toEqual({ amount: 21, customer: { id: 'c-1' }, doubled: 42 });
      const childKey = await waitForChildInstance(h.db, pik);
      const child = await instanceRecords(h.db, childKey);
      expect(variableWrites(child, { child: childKey }).sort()).toEqual(['amount@child=21', 'customer@child={"id":"c-1"}', 'doubled@child=42']);
    });

    it('should copy only the input mappings into the child when propagateAllParentVariables is false', async () => {
      // given
      const { parentId, types } = await deployPair({ propagateAllParentVariables: false, extensions: ioMapping({ inputs: [['=amount * 2', 'doubled']] }) });
      // when
      const pik = await start(parentId, { amount: 21, customer: { id: 'c-1' } });
      // then
      const job = await activateOne(h, types.child);
      expect(job.variables).toEqual({ doubled: 42 });
      const childKey = await waitForChildInstance(h.db, pik);
      expect(variableWrites(await instanceRecords(h.db, childKey), { child: childKey })).toEqual(['doubled@child=42']);
    });

    it('should propagate every child variable to the parent by default', async () => {
      // given
      const { parentId, types } = await deployPair();
      const pik = await start(parentId, { amount: 21 });
      // when
      await completeOne(h, types.child, { result: 'approved', amount: 21 });
      // then
      const after = await activateOne(h, types.after);
      expect(after.variables).toEqual({ amount: 21, result: 'approved' });
      const callKey = await elementInstanceKey(h.db, pik, 'call');
      expect(variableWrites(await instanceRecords(h.db, pik), { parent: pik, call: callKey })).toEqual(['amount@parent=21', 'result@parent="approved"']);
    });

    it('should propagate only the output mappings when the call activity defines them', async () => {
      // given
      const { parentId, types } = await deployPair({ extensions: ioMapping({ outputs: [['=result', 'decision']] }) });
      const pik = await start(parentId);
      // when
      await completeOne(h, types.child, { result: 'approved', score: 7 });
      // then
      const after = await activateOne(h, types.after);
      expect(after.variables).toEqual({ decision: 'approved' });
      const callKey = await elementInstanceKey(h.db, pik, 'call');
      expect(variableWrites(await instanceRecords(h.db, pik), { parent: pik, call: callKey })).toEqual([
        'result@call="approved"',
        'score@call=7',
        'decision@parent="approved"',
      ]);
    });

    it('should propagate no child variable when propagateAllChildVariables is false', async () => {
      // given
      const { parentId, types } = await deployPair({ propagateAllChildVariables: false });
      const pik = await start(parentId, { amount: 21 });
      // when
      await completeOne(h, types.child, { result: 'approved' });
      // then
      const after = await activateOne(h, types.after);
      expect(after.variables).toEqual({ amount: 21 });
      expect(variableWrites(await instanceRecords(h.db, pik), { parent: pik })).toEqual(['amount@parent=21']);
    });

    it('should apply the output mappings to the child variables even when propagateAllChildVariables is false', async () => {
      // given
      const { parentId, types } = await deployPair({ propagateAllChildVariables: false, extensions: ioMapping({ outputs: [['=result', 'decision']] }) });
      const pik = await start(parentId);
      // when
      await completeOne(h, types.child, { result: 'approved' });
      // then
      const after = await activateOne(h, types.after);
      expect(after.variables).toEqual({ decision: 'approved' });
      const callKey = await elementInstanceKey(h.db, pik, 'call');
      expect(variableWrites(await instanceRecords(h.db, pik), { parent: pik, call: callKey })).toEqual(['result@call="approved"', 'decision@parent="approved"']);
    });
  });

  describe('cancellation', () => {
    it('should terminate the child instance and its job when the parent instance is canceled', async () => {
      // given
      const { parentId, childId, types } = await deployPair();
      const pik = await start(parentId);
      const childKey = await waitForChildInstance(h.db, pik);
      const job = await activateOne(h, types.child);
      // when
      await h.zeebe.cancelProcessInstance(pik);
      // then
      const all = [...(await instanceRecords(h.db, pik)), ...(await instanceRecords(h.db, childKey))].sort((a, b) => a.position - b.position);
      const canceled = all.findIndex((r) => r.elementId === parentId && r.intent === 'ELEMENT_TERMINATING');
      expect(lifecycle(all.slice(canceled))).toEqual([
        `${parentId}:TERMINATING`,
        'call:TERMINATING',
        `${childId}:TERMINATING`,
        'childTask:TERMINATING',
        'childTask:TERMINATED',
        `${childId}:TERMINATED`,
        'call:TERMINATED',
        `${parentId}:TERMINATED`,
      ]);
      expect(all.filter((r) => r.valueType === 'JOB').map((r) => r.intent)).toEqual(['CREATED', 'CANCELED']);
      const late = await grpcError(() => h.zeebe.completeJob({ jobKey: job.key, variables: {} }));
      expect(late.code).toBe(5);
    });

    it('should terminate the grandchild instance and its job when the root instance is canceled', async () => {
      // given: root → middle → leaf, the leaf waiting at its job
      const leafId = unique('leaf-cancel');
      const middleId = unique('middle-cancel');
      const rootId = unique('root-cancel');
      const leafType = unique('leaf-work');
      await deploy(h, childProcess(leafId, leafType), 'leaf.bpmn');
      await deploy(h, definitions(process(middleId, startEvent(), callActivity('callLeaf', leafId), endEvent(), chain('start', 'callLeaf', 'end'))), 'middle.bpmn');
      await deploy(h, definitions(process(rootId, startEvent(), callActivity('callMiddle', middleId), endEvent(), chain('start', 'callMiddle', 'end'))), 'root.bpmn');
      const rootKey = await start(rootId);
      const middleKey = await waitForChildInstance(h.db, rootKey);
      const leafKey = await waitForChildInstance(h.db, middleKey);
      const job = await activateOne(h, leafType);
      // when
      await h.zeebe.cancelProcessInstance(rootKey);
      // then
      const all = [
        ...(await instanceRecords(h.db, rootKey)),
        ...(await instanceRecords(h.db, middleKey)),
        ...(await instanceRecords(h.db, leafKey)),
      ].sort((a, b) => a.position - b.position);
      const canceled = all.findIndex((r) => r.elementId === rootId && r.intent === 'ELEMENT_TERMINATING');
      expect(lifecycle(all.slice(canceled))).toEqual([
        `${rootId}:TERMINATING`,
        'callMiddle:TERMINATING',
        `${middleId}:TERMINATING`,
        'callLeaf:TERMINATING',
        `${leafId}:TERMINATING`,
        'childTask:TERMINATING',
        'childTask:TERMINATED',
        `${leafId}:TERMINATED`,
        'callLeaf:TERMINATED',
        `${middleId}:TERMINATED`,
        'callMiddle:TERMINATED',
        `${rootId}:TERMINATED`,
      ]);
      const jobRecords = all.filter((r) => r.valueType === 'JOB');
      expect(jobRecords.map((r) => `${r.intent} ${r.processInstanceKey === leafKey ? 'leaf' : r.processInstanceKey}`)).toEqual(['CREATED leaf', 'CANCELED leaf']);
      const leafTerminated = all.find((r) => r.elementId === leafId && r.intent === 'ELEMENT_TERMINATED')!;
      expect(leafTerminated.value).toMatchObject({ parentProcessInstanceKey: Number(middleKey) });
      const late = await grpcError(() => h.zeebe.completeJob({ jobKey: job.key, variables: {} }));
      expect(late.code).toBe(5);
      expect(await activateNow(h, leafType)).toEqual([]);
    });

    it('should reject cancelling the child instance with FAILED_PRECONDITION', async () => {
      // given
      const { parentId } = await deployPair();
      const pik = await start(parentId);
      const childKey = await waitForChildInstance(h.db, pik);
      // when
      const error = await grpcError(() => h.zeebe.cancelProcessInstance(childKey));
      // then
      expect(error.code).toBe(9);
      expect(error.details).toBe(
        `Command 'CANCEL' rejected with code 'INVALID_STATE': Expected to cancel a process instance with key '${childKey}', but it is created by a parent process instance. Cancel the root process instance '${pik}' instead.`,
      );
      expect(await records(h.db, { processInstanceKey: childKey, intent: 'ELEMENT_TERMINATING' })).toEqual([]);
    });

    it('should name the root instance when cancelling a grandchild instance is rejected', async () => {
      // given: root → middle → leaf
      const leafId = unique('leaf');
      const middleId = unique('middle');
      const rootId = unique('root');
      await deploy(h, childProcess(leafId, unique('leaf-work')), 'leaf.bpmn');
      await deploy(h, definitions(process(middleId, startEvent(), callActivity('callLeaf', leafId), endEvent(), chain('start', 'callLeaf', 'end'))), 'middle.bpmn');
      await deploy(h, definitions(process(rootId, startEvent(), callActivity('callMiddle', middleId), endEvent(), chain('start', 'callMiddle', 'end'))), 'root.bpmn');
      const rootKey = await start(rootId);
      const middleKey = await waitForChildInstance(h.db, rootKey);
      const leafKey = await waitForChildInstance(h.db, middleKey);
      // when
      const error = await grpcError(() => h.zeebe.cancelProcessInstance(leafKey));
      // then
      expect(error.code).toBe(9);
      expect(error.details).toBe(
        `Command 'CANCEL' rejected with code 'INVALID_STATE': Expected to cancel a process instance with key '${leafKey}', but it is created by a parent process instance. Cancel the root process instance '${rootKey}' instead.`,
      );
    });
  });

  describe('incidents', () => {
    it('should raise CALLED_ELEMENT_ERROR when the called process is not deployed, and continue once it is deployed and the incident resolved', async () => {
      // given
      const childId = unique('child-missing');
      const parentId = unique('parent-missing');
      const types = { child: unique('child-work'), after: unique('after') };
      await deploy(h, parentProcess(parentId, childId, types.after), 'parent.bpmn');
      const pik = await start(parentId);
      // when
      const incident = await waitForIncident(h.db, pik);
      // then
      const callKey = await elementInstanceKey(h.db, pik, 'call');
      expect(incident.value).toMatchObject({
        errorType: 'CALLED_ELEMENT_ERROR',
        errorMessage: `Expected process with BPMN process id '${childId}' to be deployed, but not found.`,
        elementId: 'call',
        elementInstanceKey: Number(callKey),
        jobKey: -1,
      });
      expect(lifecycle(await instanceRecords(h.db, pik), ['call'])).toEqual(['call:ACTIVATING']);
      await deploy(h, childProcess(childId, types.child), 'child.bpmn');
      await h.zeebe.resolveIncident({ incidentKey: incident.key });
      await completeOne(h, types.child);
      await completeOne(h, types.after);
      await waitForInstanceEnd(h.db, pik);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['call'])).toEqual(FULL('call'));
      expect(rows.filter((r) => r.valueType === 'INCIDENT').map((r) => r.intent)).toEqual(['CREATED', 'RESOLVED']);
      expect(rows.at(-1)).toMatchObject({ elementId: parentId, intent: 'ELEMENT_COMPLETED' });
    });
  });
});
