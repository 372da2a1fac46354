import { startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import { oneTaskProcess } from '../helpers/bpmn';

describe('embedded engine through the Zeebe client (smoke)', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('should run start → service task → end', async () => {
    // given
    const deployment = await h.zeebe.deployResource({ process: Buffer.from(oneTaskProcess('smoke', 'smoke-work')), name: 'smoke.bpmn' });
    expect(deployment.deployments[0].process?.version).toBe(1);
    // when
    const instance = await h.zeebe.createProcessInstance({ bpmnProcessId: 'smoke', variables: { a: 1 } });
    const jobs = await h.zeebe.activateJobs({ type: 'smoke-work', worker: 'w', timeout: 10000, maxJobsToActivate: 5, requestTimeout: 1000 } as never);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].variables).toEqual({ a: 1 });
    await h.zeebe.completeJob({ jobKey: jobs[0].key, variables: { b: 2 } });
    // then
    const { rows } = await h.db.query(
      `select intent, bpmn_element_type from engine.record where process_instance_key = $1 and value_type = 'PROCESS_INSTANCE' order by position`,
      [instance.processInstanceKey],
    );
    expect(rows.at(-1)).toEqual({ intent: 'ELEMENT_COMPLETED', bpmn_element_type: 'PROCESS' });
  });
});
