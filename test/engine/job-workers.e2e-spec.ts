import { Global, Injectable, Module, type DynamicModule } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { BusinessError, JobWorker, JobWorkerRegistry, JobWorkerRunner, WorkersModule, ZEEBE_GRPC_CLIENT, type Job } from '../../src/workers';
import { processBuilder } from '../helpers/bpmn';
import { boundaryEvent, chain, definitions, endEvent, errorDefinition, errorEvent, flow, ioMapping, process, serviceTask, startEvent } from '../helpers/bpmn-xml';
import { ManualClock, startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import { activateNow, activateOne, deploy, unique, type Vars } from '../helpers/jobs';
import { describeRecords, elementsWith, instanceRecords, records, waitForInstanceEnd, waitForRecord } from '../helpers/records';

/** Job types of the handlers below, unique to this run. */
const TYPES = { score: unique('score'), consent: unique('consent'), send: unique('send') };

/** Handlers as the service writes them: methods of a Nest provider marked with @JobWorker. */
@Injectable()
class JourneyWorkers {
  readonly sendAttempts: number[] = [];

  @JobWorker(TYPES.score)
  async score(job: Job) {
    return { score: Number(job.variables.purchases) * 10, model: job.customHeaders.model };
  }

  @JobWorker(TYPES.consent)
  async consent(job: Job) {
    throw new BusinessError('NO_CONSENT', `customer ${String(job.variables.customerId)} gave no email consent`, { channel: 'email' });
  }

  @JobWorker(TYPES.send)
  async send(job: Job) {
    this.sendAttempts.push(job.retries);
    throw new Error('SMTP connection refused');
  }
}

/**
 * Provides the harness's Zeebe client under ZEEBE_GRPC_CLIENT, globally — as the service's
 * ZeebeClientModule provides its own client to WorkersModule.
 */
@Global()
@Module({})
class HarnessZeebeClientModule {
  static of(h: EngineHarness): DynamicModule {
    return {
      module: HarnessZeebeClientModule,
      providers: [{ provide: ZEEBE_GRPC_CLIENT, useValue: h.zeebe }],
      exports: [ZEEBE_GRPC_CLIENT],
    };
  }
}

/**
 * The @JobWorker mechanism (src/workers) booted in a Nest testing module the way the service
 * wires it, bound to the official Zeebe client against the embedded engine: results complete
 * jobs, BusinessError takes the BPMN error path, other errors are retried with backoff until
 * an incident. The engine runs on a manual clock so retry backoffs fall due when the test says.
 */
describe('@JobWorker handlers against the embedded engine', () => {
  const clock = new ManualClock(Date.UTC(2030, 0, 1, 9, 0, 0));
  let h: EngineHarness;
  let moduleRef: TestingModule;
  let workers: JourneyWorkers;

  beforeAll(async () => {
    h = await startEngineHarness({ clock });
    moduleRef = await Test.createTestingModule({
      imports: [HarnessZeebeClientModule.of(h), WorkersModule.forRoot({ workerName: 'e2e-workers', drainTimeoutMs: 5_000 })],
      providers: [JourneyWorkers],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    workers = moduleRef.get(JourneyWorkers);
  });
  afterAll(async () => {
    await moduleRef?.close();
    await h?.close();
  }, 20_000);

  async function start(bpmnProcessId: string, variables: Vars): Promise<string> {
    return (await h.zeebe.createProcessInstance({ bpmnProcessId, variables })).processInstanceKey;
  }

  it('should discover every @JobWorker method at boot and bind them to the client', () => {
    // then
    expect(moduleRef.get(JobWorkerRegistry).list().map((w) => [w.type, w.source])).toEqual([
      [TYPES.score, 'JourneyWorkers.score'],
      [TYPES.consent, 'JourneyWorkers.consent'],
      [TYPES.send, 'JourneyWorkers.send'],
    ]);
    expect(moduleRef.get(JobWorkerRunner).running).toBe(true);
  });

  it('should complete the job with the variables the handler returns and continue the instance with them', async () => {
    // given start → score (worker) → review (test) → end
    const id = unique('worker-complete');
    const reviewType = unique('review');
    await deploy(
      h,
      processBuilder(id)
        .start()
        .serviceTask('score', { type: TYPES.score, headers: { model: 'rfm-v2' } })
        .serviceTask('review', { type: reviewType })
        .end()
        .chain('start', 'score', 'review', 'end')
        .xml(),
    );
    // when
    const pik = await start(id, { purchases: 4 });
    // then
    const review = await activateOne(h, reviewType, { requestTimeout: 5000 });
    expect(review.variables).toEqual({ purchases: 4, score: 40, model: 'rfm-v2' });
    const completed = await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'JOB', intent: 'COMPLETED', elementId: 'score' });
    expect(completed.value).toMatchObject({ type: TYPES.score, worker: 'e2e-workers', variables: { score: 40, model: 'rfm-v2' } });
    const rows = await instanceRecords(h.db, pik);
    expect(rows.filter((r) => r.valueType === 'VARIABLE' && r.value.scopeKey === Number(pik)).map((r) => `${r.value.name}=${r.value.value}`)).toEqual([
      'purchases=4',
      'score=40',
      'model="rfm-v2"',
    ]);
    await h.zeebe.completeJob({ jobKey: review.key, variables: {} });
    expect((await waitForInstanceEnd(h.db, pik)).intent).toBe('ELEMENT_COMPLETED');
  });

  it('should take the error boundary path when the handler throws a BusinessError with its code', async () => {
    // given start → consent (worker) → end, with an error boundary NO_CONSENT → fallback (test) → fallbackEnd
    const id = unique('worker-business-error');
    const fallbackType = unique('fallback');
    await deploy(
      h,
      definitions(
        errorDefinition('noConsent', 'NO_CONSENT'),
        process(
          id,
          startEvent(),
          serviceTask('consent', TYPES.consent),
          endEvent(),
          chain('start', 'consent', 'end'),
          boundaryEvent('refused', 'consent', errorEvent('noConsent'), { extensions: ioMapping({ outputs: [['=channel', 'refusedChannel']] }) }),
          serviceTask('fallback', fallbackType),
          endEvent('fallbackEnd'),
          flow('refused', 'fallback'),
          flow('fallback', 'fallbackEnd'),
        ),
      ),
    );
    // when
    const pik = await start(id, { customerId: 'c-9' });
    // then the boundary path runs, with the error's variables mapped out of the boundary event
    const fallback = await activateOne(h, fallbackType, { requestTimeout: 5000 });
    expect(fallback.variables).toEqual({ customerId: 'c-9', refusedChannel: 'email' });
    await h.zeebe.completeJob({ jobKey: fallback.key, variables: {} });
    expect((await waitForInstanceEnd(h.db, pik)).intent).toBe('ELEMENT_COMPLETED');
    const rows = await instanceRecords(h.db, pik);
    expect(describeRecords(rows.filter((r) => r.valueType === 'JOB' && r.elementId === 'consent'))).toEqual(['JOB CREATED consent', 'JOB ERROR_THROWN consent']);
    expect(rows.find((r) => r.valueType === 'JOB' && r.intent === 'ERROR_THROWN')!.value).toMatchObject({
      errorCode: 'NO_CONSENT',
      errorMessage: 'customer c-9 gave no email consent',
      retries: 3,
    });
    expect(elementsWith(rows, 'ELEMENT_TERMINATED')).toEqual(['consent']);
    expect(elementsWith(rows, 'ELEMENT_COMPLETED')).toEqual(['start', 'refused', 'fallback', 'fallbackEnd', id]);
    expect(rows.filter((r) => r.valueType === 'INCIDENT')).toEqual([]);
  });

  it('should fail a job whose handler throws, retry it after a growing backoff and raise JOB_NO_RETRIES after the last retry', async () => {
    // given start → send (worker, 3 retries) → end
    const id = unique('worker-technical-error');
    await deploy(h, processBuilder(id).start().serviceTask('send', { type: TYPES.send }).end().chain('start', 'send', 'end').xml());
    const failures = async (pik: string) => (await records(h.db, { processInstanceKey: pik, valueType: 'JOB', intent: 'FAILED' })).map((r) => r.value);
    const waitForFailures = async (pik: string, count: number) => {
      for (const until = Date.now() + 5000; (await failures(pik)).length < count; ) {
        if (Date.now() > until) throw new Error(`Expected ${count} failures of the job`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    // when the first attempt fails
    const pik = await start(id, {});
    await waitForFailures(pik, 1);
    // then the job waits out a backoff of 1 s before it is handed out again
    expect((await failures(pik))[0]).toMatchObject({ retries: 2, retryBackoff: 1000, errorMessage: 'SMTP connection refused' });
    clock.advance(999);
    await new Promise((r) => setTimeout(r, 300));
    expect(await failures(pik)).toHaveLength(1);
    // when the backoff is over, the second attempt fails and waits 2 s
    clock.advance(1);
    await waitForFailures(pik, 2);
    expect((await failures(pik))[1]).toMatchObject({ retries: 1, retryBackoff: 2000 });
    clock.advance(1999);
    await new Promise((r) => setTimeout(r, 300));
    expect(await failures(pik)).toHaveLength(2);
    // when the last attempt fails
    clock.advance(1);
    await waitForFailures(pik, 3);
    // then no retries are left: an incident, and the job is not handed out again
    expect((await failures(pik))[2]).toMatchObject({ retries: 0, retryBackoff: 0 });
    const incident = await waitForRecord(h.db, { processInstanceKey: pik, valueType: 'INCIDENT', intent: 'CREATED' });
    expect(incident.value).toMatchObject({ errorType: 'JOB_NO_RETRIES', errorMessage: 'SMTP connection refused', elementId: 'send' });
    expect(workers.sendAttempts.slice(-3)).toEqual([3, 2, 1]);
    clock.advance(60_000);
    expect(await activateNow(h, TYPES.send)).toEqual([]);
    expect(await failures(pik)).toHaveLength(3);
  });
});
