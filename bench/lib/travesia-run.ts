import { Camunda8 } from '@camunda8/sdk';

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  id="bench-definitions" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="bench" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task"/>
    <bpmn:serviceTask id="task"><bpmn:extensionElements><zeebe:taskDefinition type="bench-work"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;

export type WorkerMode = 'stream' | 'poll';

export interface TravesiaResult {
  instancesPerSecond: number;
  seconds: number;
}

/**
 * Runs start → service task → end instances on Travesía through the official Zeebe client:
 * `concurrency` lanes create instances; one worker (job stream or long polling) completes
 * each job. Done when every job's completion is acknowledged — the instance completes in the
 * same durable batch. `latencies` receives create-sent → job-delivered times (ms).
 */
export async function runTravesia(
  address: string,
  instances: number,
  concurrency: number,
  mode: WorkerMode,
  latencies: number[],
): Promise<TravesiaResult> {
  const camunda = new Camunda8({
    ZEEBE_GRPC_ADDRESS: address,
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE', ZEEBE_GRPC_CLIENT_CONNECTION_TOLERANCE_MS: 0, ZEEBE_GRPC_WORKER_POLL_INTERVAL_MS: 10 },
  } as never);
  const zeebe = camunda.getZeebeGrpcApiClient();
  try {
    await zeebe.deployResource({ process: Buffer.from(XML), name: 'bench.bpmn' });
    const sentAt = new Float64Array(instances);
    let completed = 0;
    let allDone!: () => void;
    const done = new Promise<void>((resolve) => (allDone = resolve));
    const taskHandler = async (job: { variables: Record<string, unknown>; complete(): Promise<never> }) => {
      const n = job.variables.n as number;
      latencies.push(performance.now() - sentAt[n]);
      const ack = await job.complete();
      if (++completed === instances) allDone();
      return ack;
    };
    if (mode === 'stream') {
      zeebe.streamJobs({ type: 'bench-work', worker: 'bench', timeout: 60_000, taskHandler } as never);
    } else {
      zeebe.createWorker({ taskType: 'bench-work', maxJobsToActivate: 256, timeout: 60_000, taskHandler } as never);
    }
    // Let the worker connect before the clock starts.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const startedAt = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < instances) {
        const n = next++;
        sentAt[n] = performance.now();
        await zeebe.createProcessInstance({ bpmnProcessId: 'bench', variables: { n } });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    await done;
    const seconds = (performance.now() - startedAt) / 1000;
    return { instancesPerSecond: instances / seconds, seconds };
  } finally {
    await camunda.closeAllClients();
  }
}
