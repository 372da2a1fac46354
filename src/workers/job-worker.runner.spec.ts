import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { BusinessError, RetryableError } from './job-errors';
import { JobWorker } from './job-worker.decorator';
import { JOB_WORKER_METRICS, type JobWorkerMetrics } from './job-worker.metrics';
import { JobWorkerRunner } from './job-worker.runner';
import type { Job } from './job.port';
import { FakeZeebeClient } from './testing/fake-zeebe-client';
import { WorkersModule, type WorkersModuleOptions } from './workers.module';
import { ZEEBE_GRPC_CLIENT } from './zeebe-client.token';

/** Lets a test hold a handler until it decides to release it. */
class Gate {
  private release!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.release = resolve));
  open(): void {
    this.release();
  }
}

@Injectable()
class TouchpointWorkers {
  gate = new Gate();

  @JobWorker('touchpoint.email', { maxJobsActive: 8, timeoutMs: 120_000, fetchVariables: ['customerId'] })
  async email(job: Job) {
    if (job.variables.customerId === 'no-consent') throw new BusinessError('NO_CONSENT', 'no email consent', { channel: 'email' });
    if (job.variables.customerId === 'smtp-down') throw new Error('SMTP connection refused');
    if (job.variables.customerId === 'rate-limited') throw new RetryableError('429 from provider', { retryBackOffMs: 30_000 });
    if (job.variables.customerId === 'slow') await this.gate.opened;
    return { emailSent: true };
  }

  @JobWorker('kpi.listener', { stream: true })
  async kpi() {}
}

describe('JobWorkerRunner', () => {
  let zeebe: FakeZeebeClient;
  let metrics: { onJob: jest.Mock };
  let moduleRef: TestingModule;

  async function boot(options: WorkersModuleOptions = {}, client = new FakeZeebeClient()): Promise<void> {
    zeebe = client;
    metrics = { onJob: jest.fn() };
    @Module({
      providers: [
        { provide: ZEEBE_GRPC_CLIENT, useValue: zeebe.asClient() },
        { provide: JOB_WORKER_METRICS, useValue: metrics satisfies JobWorkerMetrics },
      ],
      exports: [ZEEBE_GRPC_CLIENT, JOB_WORKER_METRICS],
    })
    class InfrastructureModule {}
    moduleRef = await Test.createTestingModule({
      imports: [WorkersModule.forRoot({ imports: [InfrastructureModule], workerName: 'test-worker', ...options })],
      providers: [TouchpointWorkers],
    }).compile();
    await moduleRef.init();
  }

  afterEach(async () => {
    await moduleRef?.close();
  });

  describe('binding', () => {
    it('should create a polling worker per job type on bootstrap, with its options', async () => {
      await boot();

      expect(zeebe.workers.map((worker) => [worker.mode, worker.type])).toEqual([
        ['poll', 'touchpoint.email'],
        ['stream', 'kpi.listener'],
      ]);
      expect(zeebe.workers[0].settings).toEqual({
        id: 'test-worker',
        taskType: 'touchpoint.email',
        maxJobsToActivate: 8,
        timeout: 120_000,
        fetchVariable: ['customerId'],
      });
    });

    it('should stream jobs when the worker asks for it', async () => {
      await boot();

      expect(zeebe.workers[1].settings).toEqual({
        type: 'kpi.listener',
        worker: 'test-worker',
        timeout: 60_000,
        fetchVariables: undefined,
        pollMaxJobsToActivate: 32,
        pollInterval: 5_000,
      });
    });

    it('should keep trying to open a stream the client could not open, until it opens', async () => {
      // given a gateway that refuses the first two stream opens
      const client = new FakeZeebeClient();
      client.failStreamOpens = 2;

      // when
      await boot({}, client);
      expect(zeebe.workers.filter((w) => w.mode === 'stream')).toHaveLength(0);

      // then the stream opens on the third attempt (after 250 + 500 ms), and jobs flow
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(zeebe.workers.filter((w) => w.mode === 'stream')).toHaveLength(1);
      await expect(zeebe.deliver('kpi.listener')).resolves.toBe('JOB_ACTION_ACKNOWLEDGEMENT');
    });

    it('should leave starting to the caller when autoStart is off', async () => {
      await boot({ autoStart: false });
      const runner = moduleRef.get(JobWorkerRunner);
      expect(zeebe.workers).toHaveLength(0);

      runner.start();
      runner.start();

      expect(runner.running).toBe(true);
      expect(zeebe.workers).toHaveLength(2);
    });
  });

  describe('outcomes', () => {
    beforeEach(() => boot());

    it('should complete the job with the handler variables', async () => {
      const ack = await zeebe.deliver('touchpoint.email', { variables: { customerId: 'c1' } });

      expect(ack).toBe('JOB_ACTION_ACKNOWLEDGEMENT');
      expect(zeebe.commands).toEqual([{ command: 'complete', variables: { emailSent: true } }]);
      expect(metrics.onJob).toHaveBeenCalledWith('touchpoint.email', 'complete', expect.any(Number));
    });

    it('should throw a BPMN error for a business error', async () => {
      await zeebe.deliver('touchpoint.email', { variables: { customerId: 'no-consent' } });

      expect(zeebe.commands).toEqual([
        { command: 'error', request: { errorCode: 'NO_CONSENT', errorMessage: 'no email consent', variables: { channel: 'email' } } },
      ]);
      expect(metrics.onJob).toHaveBeenCalledWith('touchpoint.email', 'error', expect.any(Number));
    });

    it('should fail the job with one retry less and a backoff for a technical failure', async () => {
      await zeebe.deliver('touchpoint.email', { retries: 3, variables: { customerId: 'smtp-down' } });

      expect(zeebe.commands).toEqual([
        { command: 'fail', request: { errorMessage: 'SMTP connection refused', retries: 2, retryBackOff: 1_000 } },
      ]);
      expect(metrics.onJob).toHaveBeenCalledWith('touchpoint.email', 'fail', expect.any(Number));
    });

    it('should pass the explicit backoff of a RetryableError', async () => {
      await zeebe.deliver('touchpoint.email', { retries: 5, variables: { customerId: 'rate-limited' } });

      expect(zeebe.commands).toEqual([
        { command: 'fail', request: { errorMessage: 'RetryableError: 429 from provider', retries: 4, retryBackOff: 30_000 } },
      ]);
    });
  });

  describe('robustness', () => {
    beforeEach(() => boot());

    it('should acknowledge, not reject, when the engine rejects the command', async () => {
      zeebe.rejectCommands = new Error('5 NOT_FOUND: Command rejected with code COMPLETE');

      const ack = zeebe.deliver('touchpoint.email', { variables: { customerId: 'c1' } });

      await expect(ack).resolves.toBe('JOB_ACTION_ACKNOWLEDGEMENT');
      expect(zeebe.commands).toHaveLength(1);
    });

    it('should fail a job it cannot read instead of dropping it', async () => {
      const ack = zeebe.deliver('touchpoint.email', {
        retries: 2,
        get customHeaders(): never {
          throw new Error('corrupt headers');
        },
      });

      await expect(ack).resolves.toBe('JOB_ACTION_ACKNOWLEDGEMENT');
      expect(zeebe.commands).toEqual([
        { command: 'fail', request: { errorMessage: 'unreadable job: Error: corrupt headers', retries: 1, retryBackOff: 0 } },
      ]);
    });

    it('should survive a metrics hook that throws', async () => {
      metrics.onJob.mockImplementation(() => {
        throw new Error('registry full');
      });

      await expect(zeebe.deliver('touchpoint.email', { variables: { customerId: 'c1' } })).resolves.toBe('JOB_ACTION_ACKNOWLEDGEMENT');
    });
  });

  describe('shutdown', () => {
    it('should close the workers and wait for jobs in flight', async () => {
      // given a job whose handler is still running
      await boot();
      const workers = moduleRef.get(TouchpointWorkers);
      const runner = moduleRef.get(JobWorkerRunner);
      const ack = zeebe.deliver('touchpoint.email', { variables: { customerId: 'slow' } });
      expect(runner.jobsInFlight).toBe(1);

      // when
      let stopped = false;
      const stop = runner.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 20));

      // then intake is closed, but stop waits for the job
      expect(zeebe.workers.every((worker) => worker.closed)).toBe(true);
      expect(stopped).toBe(false);
      workers.gate.open();
      await stop;
      await ack;
      expect(zeebe.commands).toEqual([{ command: 'complete', variables: { emailSent: true } }]);
      expect(runner.running).toBe(false);
      expect(runner.jobsInFlight).toBe(0);
    });

    it('should give up on a job that outlives the drain timeout', async () => {
      await boot({ drainTimeoutMs: 30 });
      const runner = moduleRef.get(JobWorkerRunner);
      void zeebe.deliver('touchpoint.email', { variables: { customerId: 'slow' } });

      await runner.stop();

      expect(runner.jobsInFlight).toBe(1);
      moduleRef.get(TouchpointWorkers).gate.open();
    });

    it('should stop on application shutdown', async () => {
      await boot();

      await moduleRef.close();

      expect(zeebe.workers.every((worker) => worker.closed)).toBe(true);
    });
  });
});
