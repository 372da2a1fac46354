import { Logger } from '@nestjs/common';
import type { JourneyModelRepository, KpiEventRepository, ListenerLayout, ListenerLayoutLookup, NewKpiEvent } from '../repositories';
import { KpiCaptureService } from '../services/kpi-capture.service';
import { runHandler } from '../workers/testing/fake-job';
import { KpiListenerWorker } from './kpi-listener.worker';

const LAYOUT: ListenerLayout = {
  journeyId: '6f1c1f9e-3a52-4f7e-9d7a-0a0b0c0d0e0f',
  versionNumber: 2,
  processDefinitionKey: '2251799813685300',
  elements: new Map([
    ['start', { type: 'bpmn:StartEvent', listened: 'end' as const }],
    ['send', { type: 'bpmn:ServiceTask', listened: 'both' as const }],
    ['split', { type: 'bpmn:ExclusiveGateway', listened: 'start' as const }],
    ['welcome', { type: 'bpmn:Process', listened: 'end' as const }],
  ]),
};

function setup(lookup: ListenerLayoutLookup = { status: 'found', layout: LAYOUT }) {
  const appended: NewKpiEvent[] = [];
  const models = { listenerLayout: jest.fn(async () => lookup) } as unknown as JourneyModelRepository;
  const events = { append: jest.fn(async (event: NewKpiEvent) => void appended.push(event)) } as unknown as KpiEventRepository;
  const worker = new KpiListenerWorker(new KpiCaptureService(models, events));
  return { appended, handler: (job: Parameters<KpiListenerWorker['handle']>[0]) => worker.handle(job), models };
}

const JOB = {
  key: '2251799813685400',
  type: 'travesia.kpi',
  bpmnProcessId: 'welcome',
  processDefinitionVersion: 3,
  processInstanceKey: '2251799813685401',
  elementId: 'send',
  elementInstanceKey: '2251799813685402',
};

describe('KpiListenerWorker', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('should record the listener job with its journey, customer and variant, and complete it with no variables', async () => {
    // given
    const { appended, handler, models } = setup();

    // when
    const outcome = await runHandler(handler, { ...JOB, variables: { customerId: 'c-42', variant: 'B' } });

    // then
    expect(outcome).toEqual({ kind: 'complete', variables: {} });
    expect(models.listenerLayout).toHaveBeenCalledWith('welcome', 3);
    expect(appended).toEqual([
      {
        elementInstanceKey: JOB.elementInstanceKey,
        processInstanceKey: JOB.processInstanceKey,
        jobKey: JOB.key,
        journeyId: LAYOUT.journeyId,
        journeyVersion: 2,
        bpmnProcessId: 'welcome',
        processDefinitionVersion: 3,
        processDefinitionKey: LAYOUT.processDefinitionKey,
        elementId: 'send',
        elementType: 'bpmn:ServiceTask',
        listened: 'both',
        customerId: 'c-42',
        variant: 'B',
        occurredAt: expect.any(Date),
      },
    ]);
  });

  it('should take the listeners the element got at deploy, and the process end listener as the instance ending', async () => {
    const { appended, handler } = setup();
    await runHandler(handler, { ...JOB, elementId: 'start' });
    await runHandler(handler, { ...JOB, elementId: 'split' });
    await runHandler(handler, { ...JOB, elementId: 'welcome', elementInstanceKey: JOB.processInstanceKey });
    expect(appended.map((event) => [event.elementId, event.elementType, event.listened])).toEqual([
      ['start', 'bpmn:StartEvent', 'end'],
      ['split', 'bpmn:ExclusiveGateway', 'start'],
      ['welcome', 'bpmn:Process', 'end'],
    ]);
  });

  it('should keep customer ids and variants that are numbers, and leave out other values', async () => {
    const { appended, handler } = setup();
    await runHandler(handler, { ...JOB, variables: { customerId: 1234, variant: true } });
    await runHandler(handler, { ...JOB, variables: { customerId: { id: 1 }, variant: '' } });
    await runHandler(handler, { ...JOB, variables: { customerId: 'c\u0000-1', variant: 'x'.repeat(300) } });
    expect(appended.map((event) => [event.customerId, event.variant])).toEqual([
      ['1234', 'true'],
      [null, null],
      ['c-1', 'x'.repeat(100)],
    ]);
  });

  it('should complete the jobs of a process no journey deployed, recording nothing', async () => {
    const { appended, handler } = setup({ status: 'not-a-journey' });
    expect(await runHandler(handler, JOB)).toEqual({ kind: 'complete', variables: {} });
    expect(appended).toEqual([]);
  });

  it('should retry while the journey deploy that made the definition is not written yet, and give up on the last attempt', async () => {
    const { appended, handler } = setup({ status: 'not-deployed', journeyId: LAYOUT.journeyId });
    expect(await runHandler(handler, { ...JOB, retries: 3 })).toMatchObject({ kind: 'fail', retries: 2 });
    expect(await runHandler(handler, { ...JOB, retries: 1 })).toEqual({ kind: 'complete', variables: {} });
    expect(appended).toEqual([]);
  });

  it('should fail the job for a retry when the row cannot be written', async () => {
    const failing = new KpiListenerWorker(
      new KpiCaptureService(
        { listenerLayout: async () => ({ status: 'found', layout: LAYOUT }) } as unknown as JourneyModelRepository,
        { append: async () => Promise.reject(new Error('connection reset')) } as unknown as KpiEventRepository,
      ),
    );
    expect(await runHandler((job) => failing.handle(job), { ...JOB, retries: 3 })).toEqual({ kind: 'fail', retries: 2, retryBackOffMs: expect.any(Number), message: 'connection reset' });
  });
});
