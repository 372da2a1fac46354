import { startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import { oneTaskProcess, processBuilder } from '../helpers/bpmn';
import { activate, activateOne, completeOne, deploy, grpcError, unique } from '../helpers/jobs';
import { instanceRecords, records, waitForInstanceEnd } from '../helpers/records';

describe('process instances and versions through the Zeebe client', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  /** The raw gRPC client behind the SDK: the SDK cannot create an instance by processDefinitionKey. */
  async function rawGrpc(): Promise<{ createProcessInstanceSync(request: Record<string, unknown>): Promise<Record<string, unknown>> }> {
    return (h.zeebe as unknown as { grpc: Promise<never> }).grpc;
  }

  /** start → task (type) → end, plus an optional marker element that changes the resource. */
  function versioned(id: string, type: string, marker?: string): string {
    const b = processBuilder(id).start().serviceTask('task', { type });
    if (marker) return b.task('manualTask', marker).end().chain('start', 'task', marker, 'end').xml();
    return b.end().chain('start', 'task', 'end').xml();
  }

  describe('creation', () => {
    it('should create an instance of the latest version by bpmnProcessId', async () => {
      // given
      const id = unique('create-latest');
      const type = unique('work');
      const v1 = await deploy(h, versioned(id, type));
      const v2 = await deploy(h, versioned(id, type, 'v2'));
      // when
      const instance = await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} });
      // then
      expect([v1.version, v2.version]).toEqual([1, 2]);
      expect(instance).toMatchObject({ bpmnProcessId: id, version: 2, processDefinitionKey: v2.processDefinitionKey });
      const job = await activateOne(h, type);
      expect(job).toMatchObject({ processDefinitionVersion: 2, processDefinitionKey: v2.processDefinitionKey, processInstanceKey: instance.processInstanceKey });
    });

    it('should create an instance of the given version', async () => {
      // given
      const id = unique('create-version');
      const type = unique('work');
      const v1 = await deploy(h, versioned(id, type));
      await deploy(h, versioned(id, type, 'v2'));
      // when
      const instance = await h.zeebe.createProcessInstance({ bpmnProcessId: id, version: 1, variables: {} });
      // then
      expect(instance).toMatchObject({ version: 1, processDefinitionKey: v1.processDefinitionKey });
      const rows = await instanceRecords(h.db, instance.processInstanceKey, { bpmnElementType: 'PROCESS' });
      expect(rows[0].value).toMatchObject({ version: 1, processDefinitionKey: Number(v1.processDefinitionKey), bpmnProcessId: id });
    });

    it('should create an instance by processDefinitionKey', async () => {
      // given
      const id = unique('create-key');
      const type = unique('work');
      const v1 = await deploy(h, versioned(id, type));
      await deploy(h, versioned(id, type, 'v2'));
      // when
      const grpc = await rawGrpc();
      const instance = await grpc.createProcessInstanceSync({
        processDefinitionKey: v1.processDefinitionKey,
        variables: '{"viaKey":true}',
        tenantId: '<default>',
      });
      // then
      expect(instance).toMatchObject({ bpmnProcessId: id, version: 1, processDefinitionKey: v1.processDefinitionKey });
      const job = await activateOne(h, type);
      expect(job).toMatchObject({ processInstanceKey: instance.processInstanceKey, processDefinitionVersion: 1, variables: { viaKey: true } });
    });

    it('should reject an unknown process id, version or key with NOT_FOUND', async () => {
      // given
      const id = unique('create-unknown');
      await deploy(h, versioned(id, unique('work')));
      // when
      const byId = await grpcError(() => h.zeebe.createProcessInstance({ bpmnProcessId: `${id}-nope`, variables: {} }));
      const byVersion = await grpcError(() => h.zeebe.createProcessInstance({ bpmnProcessId: id, version: 7, variables: {} }));
      const byKey = await grpcError(async () => (await rawGrpc()).createProcessInstanceSync({ processDefinitionKey: '2251799813685000', variables: '{}', tenantId: '<default>' }));
      // then
      expect([byId.code, byVersion.code, byKey.code]).toEqual([5, 5, 5]);
      expect(byId.details).toBe(`Command 'CREATE' rejected with code 'NOT_FOUND': Expected to find process definition with process ID '${id}-nope', but none found`);
      expect(byVersion.details).toBe(
        `Command 'CREATE' rejected with code 'NOT_FOUND': Expected to find process definition with process ID '${id}' and version '7', but none found`,
      );
      expect(byKey.details).toBe(`Command 'CREATE' rejected with code 'NOT_FOUND': Expected to find process definition with key '2251799813685000', but none found`);
    });
  });

  describe('versions', () => {
    it('should return the existing version and key when an unchanged resource is deployed again', async () => {
      // given
      const id = unique('redeploy-same');
      const xml = versioned(id, unique('work'));
      const first = await deploy(h, xml, 'same.bpmn');
      // when
      const again = await deploy(h, xml, 'same.bpmn');
      // then
      expect(again).toMatchObject({ bpmnProcessId: id, version: 1, processDefinitionKey: first.processDefinitionKey });
      const processRecords = (await records(h.db, { valueType: 'PROCESS' })).filter((r) => r.value.bpmnProcessId === id);
      expect(processRecords).toHaveLength(1);
    });

    it('should deploy an unchanged resource under another resource name as the next version', async () => {
      // given: Zeebe only treats a resource as a duplicate when both its checksum and its name match the latest version
      const id = unique('redeploy-renamed');
      const xml = versioned(id, unique('work'));
      const first = await deploy(h, xml, 'first-name.bpmn');
      // when
      const renamed = await deploy(h, xml, 'second-name.bpmn');
      // then
      expect(renamed).toMatchObject({ version: 2, resourceName: 'second-name.bpmn' });
      expect(renamed.processDefinitionKey).not.toBe(first.processDefinitionKey);
    });

    it('should deploy a changed resource as the next version with a new key', async () => {
      // given
      const id = unique('redeploy-changed');
      const type = unique('work');
      const first = await deploy(h, versioned(id, type), 'changed.bpmn');
      // when
      const second = await deploy(h, versioned(id, type, 'extra'), 'changed.bpmn');
      // then
      expect(second.version).toBe(2);
      expect(second.processDefinitionKey).not.toBe(first.processDefinitionKey);
      expect(BigInt(second.processDefinitionKey)).toBeGreaterThan(BigInt(first.processDefinitionKey));
    });

    it('should deploy an earlier resource again as a new version once it is no longer the latest', async () => {
      // given
      const id = unique('redeploy-back');
      const type = unique('work');
      const xml1 = versioned(id, type);
      await deploy(h, xml1);
      await deploy(h, versioned(id, type, 'v2'));
      // when
      const third = await deploy(h, xml1);
      // then
      expect(third.version).toBe(3);
    });

    it('should let instances of the old version continue on it after a new version is deployed', async () => {
      // given: an instance of v1 waits at its task
      const id = unique('old-continues');
      const type = unique('work');
      const v1 = await deploy(h, versioned(id, type));
      const old = await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} });
      // when
      const v2 = await deploy(h, versioned(id, type, 'onlyInV2'));
      const fresh = await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} });
      const jobs = await activate(h, type);
      expect(jobs.map((j) => [j.processInstanceKey, j.processDefinitionVersion])).toEqual([
        [old.processInstanceKey, 1],
        [fresh.processInstanceKey, 2],
      ]);
      for (const job of jobs) await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      await waitForInstanceEnd(h.db, old.processInstanceKey);
      await waitForInstanceEnd(h.db, fresh.processInstanceKey);
      // then
      const oldRows = await instanceRecords(h.db, old.processInstanceKey, { valueType: 'PROCESS_INSTANCE' });
      const freshRows = await instanceRecords(h.db, fresh.processInstanceKey, { valueType: 'PROCESS_INSTANCE' });
      expect(oldRows.every((r) => r.value.version === 1 && r.value.processDefinitionKey === Number(v1.processDefinitionKey))).toBe(true);
      expect(oldRows.some((r) => r.elementId === 'onlyInV2')).toBe(false);
      expect(freshRows.every((r) => r.value.version === 2 && r.value.processDefinitionKey === Number(v2.processDefinitionKey))).toBe(true);
      expect(freshRows.filter((r) => r.intent === 'ELEMENT_COMPLETED').map((r) => r.elementId)).toEqual(['start', 'task', 'onlyInV2', 'end', id]);
    });
  });

  describe('with result', () => {
    it('should return the root variables when the instance completes', async () => {
      // given
      const id = unique('result');
      const type = unique('work');
      const v1 = await deploy(h, oneTaskProcess(id, type, { inputs: [['=1', 'localOnly']] }));
      // when
      const pending = h.zeebe.createProcessInstanceWithResult({ bpmnProcessId: id, variables: { a: 1 }, requestTimeout: 10_000 });
      await completeOne(h, type, { b: { nested: ['x'] } });
      const result = await pending;
      // then
      expect(result).toMatchObject({ bpmnProcessId: id, version: 1, processDefinitionKey: v1.processDefinitionKey });
      expect(result.variables).toEqual({ a: 1, b: { nested: ['x'] } });
      const end = await waitForInstanceEnd(h.db, result.processInstanceKey);
      expect(end.intent).toBe('ELEMENT_COMPLETED');
    });

    it('should return only the fetched variables', async () => {
      // given
      const id = unique('result-fetch');
      await deploy(h, processBuilder(id).start().end().chain('start', 'end').xml());
      // when
      const result = await h.zeebe.createProcessInstanceWithResult({
        bpmnProcessId: id,
        variables: { a: 1, b: 2, c: 3 },
        fetchVariables: ['a', 'c', 'missing'],
        requestTimeout: 5000,
      });
      // then
      expect(result.variables).toEqual({ a: 1, c: 3 });
    });

    it('should fail with DEADLINE_EXCEEDED when the instance does not complete in time, and the instance still completes later', async () => {
      // given
      const id = unique('result-timeout');
      const type = unique('work');
      await deploy(h, oneTaskProcess(id, type));
      // when
      const startedAt = Date.now();
      const error = await grpcError(() => h.zeebe.createProcessInstanceWithResult({ bpmnProcessId: id, variables: {}, requestTimeout: 500 }));
      // then
      expect(error.code).toBe(4);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(450);
      const created = (await records(h.db, { valueType: 'PROCESS_INSTANCE_CREATION' })).filter((r) => r.value.bpmnProcessId === id);
      expect(created).toHaveLength(1);
      const pik = String(created[0].value.processInstanceKey);
      await completeOne(h, type);
      expect((await waitForInstanceEnd(h.db, pik)).intent).toBe('ELEMENT_COMPLETED');
    });
  });
});
