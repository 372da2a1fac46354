import { Injectable, Module, Scope, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { JobWorker } from './job-worker.decorator';
import { DuplicateJobWorkerError, JobWorkerRegistry } from './job-worker.registry';
import type { Job } from './job.port';
import { fakeJob } from './testing/fake-job';
import { FakeZeebeClient } from './testing/fake-zeebe-client';
import { WorkersModule } from './workers.module';
import { ZEEBE_GRPC_CLIENT } from './zeebe-client.token';

@Injectable()
class GreetingService {
  greet(name: unknown): string {
    return `hola ${String(name)}`;
  }
}

@Injectable()
class GreetingWorkers {
  constructor(private readonly greetings: GreetingService) {}

  @JobWorker('greet', { maxJobsActive: 4, retryBackoff: { baseMs: 10 } })
  async greet(job: Job) {
    return { greeting: this.greetings.greet(job.variables.name) };
  }

  @JobWorker('noop', { stream: true })
  async noop() {}

  notAWorker(): void {}
}

@Injectable()
class OtherGreetingWorkers {
  @JobWorker('greet')
  async greet() {}
}

@Injectable({ scope: Scope.REQUEST })
class RequestScopedWorkers {
  @JobWorker('scoped')
  async handle() {}
}

@Injectable({ scope: Scope.TRANSIENT })
class TransientWorkers {
  @JobWorker('transient')
  async handle() {}
}

async function compile(...providers: Type[]) {
  const zeebe = new FakeZeebeClient();
  @Module({ providers: [{ provide: ZEEBE_GRPC_CLIENT, useValue: zeebe.asClient() }], exports: [ZEEBE_GRPC_CLIENT] })
  class FakeZeebeModule {}
  const moduleRef = await Test.createTestingModule({
    imports: [WorkersModule.forRoot({ imports: [FakeZeebeModule], autoStart: false })],
    providers: [GreetingService, ...providers],
  }).compile();
  return moduleRef;
}

describe('JobWorkerRegistry', () => {
  it('should discover the @JobWorker methods of providers with their options', async () => {
    // given
    const moduleRef = await compile(GreetingWorkers);

    // when
    await moduleRef.init();

    // then
    const registry = moduleRef.get(JobWorkerRegistry);
    expect(registry.list().map((worker) => [worker.type, worker.source])).toEqual([
      ['greet', 'GreetingWorkers.greet'],
      ['noop', 'GreetingWorkers.noop'],
    ]);
    expect(registry.get('greet')?.options).toEqual({
      maxJobsActive: 4,
      timeoutMs: 60_000,
      fetchVariables: undefined,
      retryBackoff: { baseMs: 10, maxMs: 60_000, initialRetries: 3 },
      stream: false,
    });
    expect(registry.get('noop')?.options.stream).toBe(true);
    await moduleRef.close();
  });

  it('should bind the handler to its provider instance', async () => {
    const moduleRef = await compile(GreetingWorkers);
    await moduleRef.init();

    const handler = moduleRef.get(JobWorkerRegistry).get('greet')!.handler;
    const result = await handler(fakeJob({ variables: { name: 'Ana' } }), { logger: console, signal: new AbortController().signal });

    expect(result).toEqual({ greeting: 'hola Ana' });
    await moduleRef.close();
  });

  it('should fail boot when two handlers claim the same job type', async () => {
    const moduleRef = await compile(GreetingWorkers, OtherGreetingWorkers);

    const boot = moduleRef.init();

    await expect(boot).rejects.toThrow(DuplicateJobWorkerError);
    await expect(boot).rejects.toThrow(
      "job type 'greet' has two handlers, GreetingWorkers.greet and OtherGreetingWorkers.greet; a job type must have exactly one @JobWorker",
    );
  });

  it.each([
    { provider: RequestScopedWorkers, where: "@JobWorker('scoped') on RequestScopedWorkers.handle" },
    { provider: TransientWorkers, where: "@JobWorker('transient') on TransientWorkers.handle" },
  ])('should fail boot when a job worker is not a singleton: $where', async ({ provider, where }) => {
    const moduleRef = await compile(provider);

    await expect(moduleRef.init()).rejects.toThrow(`${where}: job workers must be singleton providers`);
  });

  it('should fail boot on invalid options, naming the job type', async () => {
    @Injectable()
    class Misconfigured {
      @JobWorker('bad', { maxJobsActive: 0 })
      async handle() {}
    }
    const moduleRef = await compile(Misconfigured);

    await expect(moduleRef.init()).rejects.toThrow("@JobWorker('bad'): maxJobsActive must be a positive integer, found 0");
  });

  it('should accept handlers registered by hand, under the same uniqueness rule', async () => {
    const moduleRef = await compile(GreetingWorkers);
    await moduleRef.init();
    const registry = moduleRef.get(JobWorkerRegistry);

    registry.register('kpi.listener', async () => undefined);

    expect(registry.get('kpi.listener')?.source).toBe('handler of kpi.listener');
    expect(() => registry.register('greet', async () => undefined, {}, 'a test')).toThrow(
      "job type 'greet' has two handlers, GreetingWorkers.greet and a test",
    );
    await moduleRef.close();
  });
});

describe('@JobWorker', () => {
  it('should refuse an empty job type', () => {
    expect(() => JobWorker(' ')).toThrow('@JobWorker needs a non-empty job type, found " "');
  });

  it('should only compile on methods with the JobHandler signature', () => {
    class Wrong {
      // @ts-expect-error a job handler receives a Job, not a string
      @JobWorker('wrong.parameter')
      async byName(name: string) {
        return { name };
      }

      // @ts-expect-error a job handler resolves with variables, not a string
      @JobWorker('wrong.result')
      async text() {
        return 'done';
      }
    }

    expect(Wrong).toBeDefined();
  });
});
