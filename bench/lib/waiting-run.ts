import { readFileSync } from 'node:fs';
import { Camunda8 } from '@camunda8/sdk';
import { Client } from 'pg';
import { percentile } from './stats';

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  id="waiting-bench" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:message id="paid" name="order.paid"><bpmn:extensionElements><zeebe:subscription correlationKey="=key"/></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="msg-wait" isExecutable="true">
    <bpmn:startEvent id="s1"/>
    <bpmn:sequenceFlow id="m1" sourceRef="s1" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="paid"/></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="m2" sourceRef="wait" targetRef="e1"/>
    <bpmn:endEvent id="e1"/>
  </bpmn:process>
  <bpmn:process id="timer-wait" isExecutable="true">
    <bpmn:startEvent id="s2"/>
    <bpmn:sequenceFlow id="t1" sourceRef="s2" targetRef="timer"/>
    <bpmn:intermediateCatchEvent id="timer"><bpmn:timerEventDefinition><bpmn:timeDate>=dueAt</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="t2" sourceRef="timer" targetRef="fired"/>
    <bpmn:serviceTask id="fired"><bpmn:extensionElements><zeebe:taskDefinition type="timer-done"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="t3" sourceRef="fired" targetRef="e2"/>
    <bpmn:endEvent id="e2"/>
  </bpmn:process>
</bpmn:definitions>`;

export interface WaitingResult {
  waitingForMessages: number;
  messagesPerSecond: number;
  correlated: number;
  pendingTimers: number;
  rssMb: number;
  probes: number;
  latenessP50: number;
  latenessP99: number;
  latenessMax: number;
  earliest: number;
}

/**
 * Waiting instances, the normal state of a journey: (1) messages published per second that
 * correlate to waiting instances, keyed per instance; (2) the service's memory with many
 * instances waiting on timers; (3) how late timers fire while that many are pending, measured
 * where it counts: from the due date to the following job reaching a worker.
 */
export async function runWaiting(
  address: string,
  servicePid: number,
  options: { waiting: number; pendingTimers: number; probes: number; concurrency: number; databaseUrl: string },
): Promise<WaitingResult> {
  const camunda = new Camunda8({
    ZEEBE_GRPC_ADDRESS: address,
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE', ZEEBE_GRPC_CLIENT_CONNECTION_TOLERANCE_MS: 0 },
  } as never);
  const zeebe = camunda.getZeebeGrpcApiClient();
  try {
    await zeebe.deployResource({ process: Buffer.from(XML), name: 'waiting-bench.bpmn' });
    const lanes = (count: number, work: (i: number) => Promise<unknown>) => {
      let next = 0;
      const lane = async () => {
        while (next < count) await work(next++);
      };
      return Promise.all(Array.from({ length: options.concurrency }, lane));
    };

    // (1) messages to waiting instances
    await lanes(options.waiting, (i) => zeebe.createProcessInstance({ bpmnProcessId: 'msg-wait', variables: { key: `order-${i}` } }));
    // Correlation happens in the batch that publishes: once a publish is acknowledged, its
    // instance has continued (and here completed) durably.
    const publishStart = performance.now();
    await lanes(options.waiting, (i) => zeebe.publishMessage({ name: 'order.paid', correlationKey: `order-${i}`, variables: { paid: true }, timeToLive: 0 }));
    const messagesPerSecond = options.waiting / ((performance.now() - publishStart) / 1000);
    const correlated = await countCorrelated(options.databaseUrl);

    // (2) many pending timers, and the memory it takes
    const farAway = new Date(Date.now() + 86_400_000).toISOString();
    await lanes(options.pendingTimers, () => zeebe.createProcessInstance({ bpmnProcessId: 'timer-wait', variables: { dueAt: farAway } }));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const rssMb = residentMb(servicePid);

    // (3) lateness of timers due soon, among all of those
    const lateness: number[] = [];
    let allFired!: () => void;
    const fired = new Promise<void>((resolve) => (allFired = resolve));
    zeebe.streamJobs({
      type: 'timer-done',
      worker: 'bench',
      timeout: 60_000,
      taskHandler: async (job: { variables: { dueAt: string }; complete(): Promise<never> }) => {
        lateness.push(Date.now() - Date.parse(job.variables.dueAt));
        const ack = await job.complete();
        if (lateness.length === options.probes) allFired();
        return ack;
      },
    } as never);
    const base = Date.now() + 8000;
    await lanes(options.probes, (i) =>
      zeebe.createProcessInstance({ bpmnProcessId: 'timer-wait', variables: { dueAt: new Date(base + i * 10).toISOString() } }),
    );
    await Promise.race([fired, new Promise((resolve) => setTimeout(resolve, 120_000))]);
    return {
      waitingForMessages: options.waiting,
      messagesPerSecond,
      correlated,
      pendingTimers: options.pendingTimers,
      rssMb,
      probes: lateness.length,
      latenessP50: percentile(lateness, 50),
      latenessP99: percentile(lateness, 99),
      latenessMax: percentile(lateness, 100),
      earliest: Math.min(...lateness),
    };
  } finally {
    await camunda.closeAllClients();
  }
}

async function countCorrelated(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from engine.record where value_type = 'PROCESS_MESSAGE_SUBSCRIPTION' and intent = 'CORRELATED'`,
    );
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}
