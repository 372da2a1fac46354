import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { oneTaskProcess } from '../helpers/bpmn';
import { startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import { unique } from '../helpers/jobs';
import { records, waitForInstanceEnd } from '../helpers/records';
import { zbctl, zbctlJson } from '../helpers/zbctl';

interface ZbctlJob {
  key: string;
  type: string;
  processInstanceKey: string;
  bpmnProcessId: string;
  elementId: string;
  customHeaders: string;
  worker: string;
  retries: number;
  deadline: string;
  variables: string;
}

/**
 * zbctl 8.4 (Go, grpc-go) as a second Zeebe client: a gateway that only ever saw the JS client
 * can still trip over field defaults, int64 encoding or the deprecated DeployProcess RPC.
 */
describe('zbctl against the embedded engine', () => {
  let h: EngineHarness;
  let dir: string;

  beforeAll(async () => {
    h = await startEngineHarness();
    dir = await mkdtemp(path.join(os.tmpdir(), 'travesia-zbctl-'));
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Writes start → task(type) → end to a temp file; returns the process id and the path. */
  async function bpmnFile(type: string, headers?: Record<string, string>): Promise<{ id: string; file: string }> {
    const id = unique('zbctl');
    const file = path.join(dir, `${id}.bpmn`);
    await writeFile(file, oneTaskProcess(id, type, headers ? { headers } : {}));
    return { id, file };
  }

  it('should print the cluster status', async () => {
    // when
    const result = await zbctl(h.address, ['status']);
    // then
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Cluster size: 1');
    expect(result.stdout).toContain('Partitions count: 1');
    expect(result.stdout).toContain('Replication factor: 1');
    expect(result.stdout).toMatch(/Gateway version: \d+\.\d+/);
    expect(result.stdout).toMatch(/Broker 0 - [\w.]+:\d+/);
    expect(result.stdout).toContain('Partition 1 : Leader, Healthy');
  });

  it('should print the cluster status as JSON', async () => {
    // when
    const status = await zbctlJson<{
      brokers: { nodeId: number; partitions: { partitionId: number; role?: string; health?: string }[] }[];
      clusterSize: number;
      partitionsCount: number;
      replicationFactor: number;
      gatewayVersion: string;
    }>(h.address, ['status', '-o', 'json']);
    // then
    expect(status).toMatchObject({ clusterSize: 1, partitionsCount: 1, replicationFactor: 1 });
    expect(status.gatewayVersion).toMatch(/^\d+\.\d+/);
    expect(status.brokers).toHaveLength(1);
    expect(status.brokers[0].nodeId ?? 0).toBe(0);
    // LEADER and HEALTHY are the enums' zero values: protojson may leave them out.
    expect(status.brokers[0].partitions).toHaveLength(1);
    expect(status.brokers[0].partitions[0].partitionId).toBe(1);
    expect(status.brokers[0].partitions[0].role ?? 'LEADER').toBe('LEADER');
    expect(status.brokers[0].partitions[0].health ?? 'HEALTHY').toBe('HEALTHY');
  });

  it('should deploy a file with the deprecated DeployProcess RPC', async () => {
    // given
    const { id, file } = await bpmnFile(unique('legacy'));
    // when
    const deployed = await zbctlJson<{ key: string; processes: { bpmnProcessId: string; version: number; processDefinitionKey: string; resourceName: string }[] }>(
      h.address,
      ['deploy', file],
    );
    // then
    expect(deployed.key).toMatch(/^\d+$/);
    expect(deployed.processes).toEqual([
      { bpmnProcessId: id, version: 1, processDefinitionKey: expect.stringMatching(/^\d+$/), resourceName: file, tenantId: '<default>' },
    ]);
    const instance = await h.zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} });
    expect(instance.processDefinitionKey).toBe(deployed.processes[0].processDefinitionKey);
  });

  it('should deploy a file with DeployResource', async () => {
    // given
    const { id, file } = await bpmnFile(unique('resource'));
    // when
    const deployed = await zbctlJson<{ key: string; deployments: { process: Record<string, unknown> }[]; tenantId: string }>(h.address, [
      'deploy',
      'resource',
      file,
    ]);
    // then
    expect(deployed.key).toMatch(/^\d+$/);
    expect(deployed.deployments).toEqual([
      {
        process: { bpmnProcessId: id, version: 1, processDefinitionKey: expect.stringMatching(/^\d+$/), resourceName: file, tenantId: '<default>' },
      },
    ]);
  });

  it('should run an instance from creation to completion with zbctl alone', async () => {
    // given
    const type = unique('zbctl-work');
    const { id, file } = await bpmnFile(type, { channel: 'sms' });
    await zbctlJson(h.address, ['deploy', 'resource', file]);
    // when the instance is created, its job activated and completed through zbctl
    const created = await zbctlJson<{ processInstanceKey: string; bpmnProcessId: string; version: number }>(h.address, [
      'create',
      'instance',
      id,
      '--variables',
      '{"customer": "c-42", "amount": 12.5}',
    ]);
    const activated = await zbctlJson<{ jobs: ZbctlJob[] }>(
      h.address,
      ['activate', 'jobs', type, '--maxJobsToActivate', '5', '--worker', 'zbctl-test', '--timeout', '30s'],
      { requestTimeout: '3s' },
    );
    const [job] = activated.jobs;
    const completed = await zbctl(h.address, ['complete', 'job', job.key, '--variables', '{"sent": true}']);
    // then
    expect(created).toMatchObject({ bpmnProcessId: id, version: 1, processInstanceKey: expect.stringMatching(/^\d+$/) });
    expect(activated.jobs).toHaveLength(1);
    expect(job).toMatchObject({ type, processInstanceKey: created.processInstanceKey, bpmnProcessId: id, elementId: 'task', worker: 'zbctl-test', retries: 3 });
    expect(JSON.parse(job.variables)).toEqual({ customer: 'c-42', amount: 12.5 });
    expect(JSON.parse(job.customHeaders)).toEqual({ channel: 'sms' });
    expect(Number(job.deadline)).toBeGreaterThan(Date.now() + 20_000);
    expect(completed.code).toBe(0);
    expect(completed.stdout).toContain(`Completed job with key '${job.key}'`);
    const end = await waitForInstanceEnd(h.db, created.processInstanceKey);
    expect(end.intent).toBe('ELEMENT_COMPLETED');
    const sent = (await records(h.db, { processInstanceKey: created.processInstanceKey, valueType: 'VARIABLE' })).find((r) => r.value.name === 'sent');
    expect(sent?.value).toMatchObject({ value: 'true', scopeKey: Number(created.processInstanceKey) });
  });

  it('should end an empty activation before zbctl gives up', async () => {
    // given zbctl asks the gateway to long-poll for 90 % of its 2 s deadline
    const type = unique('nothing');
    const started = Date.now();
    // when
    const result = await zbctl(h.address, ['activate', 'jobs', type, '--maxJobsToActivate', '1'], { requestTimeout: '2s' });
    // then
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ jobs: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });

  it('should exit 1 with the NOT_FOUND rejection when completing an unknown job', async () => {
    // when
    const result = await zbctl(h.address, ['complete', 'job', '2251799813999999']);
    // then
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toBe('');
    expect(result.stderr).toContain(
      "Error: rpc error: code = NotFound desc = Command 'COMPLETE' rejected with code 'NOT_FOUND': Expected to complete job with key '2251799813999999', but no such job was found",
    );
  });
});
