import { Engine } from 'bpmn-engine';

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="peer" targetNamespace="http://bpmn.io/schema/bpmn">
  <process id="bench" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="task"/>
    <serviceTask id="task" implementation="\${environment.services.work}"/>
    <sequenceFlow id="f2" sourceRef="task" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

export interface PeerResult {
  instancesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * The reference peer: bpmn-engine running the same start → service task → end process in
 * memory (no durability, no network). The definition is parsed once and its serialized
 * context reused, which is the fastest way bpmn-engine offers to start many instances.
 * `latencies` receives start → service-task-called times.
 */
export async function runBpmnEnginePeer(instances: number, concurrency: number, latencies: number[]): Promise<PeerResult> {
  const template = new Engine({ name: 'bench', source: XML });
  const [definition] = await template.getDefinitions();
  const sourceContext = (definition as unknown as { environment: { options: { source: unknown } } }).environment.options.source;
  const runOne = (): Promise<void> => {
    const started = performance.now();
    const engine = new Engine({
      name: 'bench',
      sourceContext,
      services: {
        work: (_ctx: unknown, next: (error: unknown, result?: unknown) => void) => {
          latencies.push(performance.now() - started);
          setImmediate(() => next(null, { done: true }));
        },
      },
    } as never);
    return new Promise((resolve, reject) => {
      engine.once('end', () => resolve());
      engine.once('error', reject);
      void engine.execute({});
    });
  };
  for (let i = 0; i < Math.min(200, instances); i++) await runOne();
  latencies.length = 0;
  let next = 0;
  const startedAt = performance.now();
  const lane = async () => {
    while (next < instances) {
      next++;
      await runOne();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = (performance.now() - startedAt) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    instancesPerSecond: instances / seconds,
    p50Ms: sorted[Math.floor(sorted.length * 0.5)],
    p99Ms: sorted[Math.floor(sorted.length * 0.99)],
  };
}
