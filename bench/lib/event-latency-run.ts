import { randomBytes } from 'node:crypto';
import { Camunda8 } from '@camunda8/sdk';
import { percentile } from './stats';

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  id="event-latency" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:message id="ordered" name="order.placed"><bpmn:extensionElements><zeebe:subscription correlationKey="=customerId"/></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="thank-buyers" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="ordered"/></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="thanks"/>
    <bpmn:serviceTask id="thanks"><bpmn:extensionElements><zeebe:taskDefinition type="touchpoint.email"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="thanks" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

/** POST /api/journeys, a version with the diagram, and its deploy (KPI listeners injected). */
async function deployJourney(httpUrl: string, key: string, kpiListeners: boolean): Promise<void> {
  const call = async (path: string, body?: object) => {
    const response = await fetch(`${httpUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { id: string };
  };
  const journey = await call('/api/journeys', { processId: 'thank-buyers', name: 'Thank buyers', reentry: 'always', kpiListeners: { enabled: kpiListeners } });
  await call(`/api/journeys/${journey.id}/versions`, { bpmnXml: XML });
  await call(`/api/journeys/${journey.id}/versions/1/deploy`);
}

export interface EventLatencyResult {
  rate: number;
  kpiListeners: boolean;
  sent: number;
  delivered: number;
  /** POSTs that got no 201 (connection errors included): their events never count as delivered. */
  failed: number;
  /** The first failure, as said by fetch or the API. */
  failure?: string;
  p50: number;
  p99: number;
  max: number;
}

/**
 * The "moment of truth" path: a customer event POSTed to the REST API at a steady rate reaches
 * a journey waiting for it, and the next touchpoint job reaches a worker. Measured from the
 * request being sent to the job arriving (event stored, routed as a BPMN message, correlated,
 * job created and pushed — every step durable before the next). The journey is deployed as a
 * user deploys it, through the REST API, so the KPI execution listeners Travesía injects (the
 * catch event's end, the touchpoint's start: two more jobs for the in-service KPI worker) are on
 * the measured path (or, with `kpiListeners: false`, the journey is deployed without them).
 */
export async function runEventLatency(
  httpUrl: string,
  grpcAddress: string,
  adminKey: string,
  options: { rate: number; seconds: number; kpiListeners: boolean },
): Promise<EventLatencyResult> {
  const total = options.rate * options.seconds;
  const camunda = new Camunda8({
    ZEEBE_GRPC_ADDRESS: grpcAddress,
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE', ZEEBE_GRPC_CLIENT_CONNECTION_TOLERANCE_MS: 0 },
  } as never);
  const zeebe = camunda.getZeebeGrpcApiClient();
  try {
    const keyResponse = await fetch(`${httpUrl}/api/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': adminKey },
      body: JSON.stringify({ name: 'bench', role: 'client' }),
    });
    const { secret } = (await keyResponse.json()) as { secret: string };
    await deployJourney(httpUrl, adminKey, options.kpiListeners);
    let next = 0;
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        while (next < total) await zeebe.createProcessInstance({ bpmnProcessId: 'thank-buyers', variables: { customerId: `buyer-${next++}` } });
      }),
    );
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let failed = 0;
    let failure: string | undefined;
    let allDone!: () => void;
    const done = new Promise<void>((resolve) => (allDone = resolve));
    zeebe.streamJobs({
      type: 'touchpoint.email',
      worker: 'bench',
      timeout: 60_000,
      taskHandler: async (job: { variables: { customerId: string }; complete(): Promise<never> }) => {
        const sent = sentAt.get(job.variables.customerId);
        if (sent !== undefined) latencies.push(performance.now() - sent);
        const ack = await job.complete();
        if (latencies.length + failed === total) allDone();
        return ack;
      },
    } as never);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const run = randomBytes(4).toString('hex');
    const started = performance.now();
    const posts: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const customerId = `buyer-${i}`;
      sentAt.set(customerId, performance.now());
      posts.push(
        fetch(`${httpUrl}/api/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': secret },
          body: JSON.stringify({
            source: 'bench',
            eventId: `${run}-${i}`,
            type: 'order.placed',
            customerId,
            occurredAt: new Date().toISOString(),
            properties: { orderId: `o-${i}` },
          }),
        }).then(
          async (response) => {
            if (response.status === 201) {
              await response.arrayBuffer();
              return;
            }
            fail(`answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
          },
          (error: Error & { cause?: unknown }) => fail(`${error.message}${error.cause ? ` (${String(error.cause)})` : ''}`),
        ),
      );
    }
    function fail(reason: string): void {
      failed++;
      failure ??= reason;
      if (latencies.length + failed === total) allDone();
    }
    await Promise.all(posts);
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    return {
      rate: options.rate,
      kpiListeners: options.kpiListeners,
      sent: total,
      delivered: latencies.length,
      failed,
      failure,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
    };
  } finally {
    await camunda.closeAllClients();
  }
}
