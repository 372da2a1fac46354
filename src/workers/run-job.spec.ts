import { BusinessError, JobDeadlineExceededError, RetryableError } from './job-errors';
import type { JobHandler } from './job.port';
import { runHandler } from './testing/fake-job';

describe('runJob', () => {
  describe('completion', () => {
    it('should complete with the variables the handler resolves with', async () => {
      // given
      const handler: JobHandler = async (job) => ({ greeted: job.variables.name });

      // when
      const outcome = await runHandler(handler, { variables: { name: 'Ana' } });

      // then
      expect(outcome).toEqual({ kind: 'complete', variables: { greeted: 'Ana' } });
    });

    it('should complete without variables when the handler resolves with nothing', async () => {
      const outcome = await runHandler(async () => undefined);

      expect(outcome).toEqual({ kind: 'complete', variables: {} });
    });

    it('should fail when the handler resolves with something that is not a variables object', async () => {
      const handler: JobHandler = async () => [1, 2];

      const outcome = await runHandler(handler, { type: 'touchpoint.email' });

      expect(outcome).toMatchObject({ kind: 'fail', retries: 2 });
      expect(outcome.kind === 'fail' && outcome.message).toBe(
        'handler of touchpoint.email must resolve with an object of variables or nothing, found an array',
      );
    });
  });

  describe('business errors', () => {
    it('should throw a BPMN error with code, message and variables', async () => {
      const handler: JobHandler = async () => {
        throw new BusinessError('NO_CONSENT', 'customer c1 has no email consent', { reason: 'opt-out' });
      };

      const outcome = await runHandler(handler);

      expect(outcome).toEqual({
        kind: 'error',
        code: 'NO_CONSENT',
        message: 'customer c1 has no email consent',
        variables: { reason: 'opt-out' },
      });
    });

    it('should use the code as message when none is given', async () => {
      const outcome = await runHandler(async () => {
        throw new BusinessError('HOLDOUT');
      });

      expect(outcome).toEqual({ kind: 'error', code: 'HOLDOUT', message: 'HOLDOUT', variables: {} });
    });
  });

  describe('technical failures', () => {
    it('should fail with one retry less and the base backoff on the first failure', async () => {
      const outcome = await runHandler(
        async () => {
          throw new Error('SMTP connection refused');
        },
        { retries: 3 },
        { retryBackoff: { baseMs: 500, maxMs: 10_000, initialRetries: 3 } },
      );

      expect(outcome).toEqual({ kind: 'fail', retries: 2, retryBackOffMs: 500, message: 'SMTP connection refused' });
    });

    it('should double the backoff with every attempt', async () => {
      const policy = { baseMs: 500, maxMs: 10_000, initialRetries: 5 };
      const failing: JobHandler = async () => {
        throw new Error('boom');
      };

      const backoffs = [];
      for (const retries of [5, 4, 3, 2]) {
        const outcome = await runHandler(failing, { retries }, { retryBackoff: policy });
        backoffs.push(outcome.kind === 'fail' && outcome.retryBackOffMs);
      }

      expect(backoffs).toEqual([500, 1_000, 2_000, 4_000]);
    });

    it('should cap the backoff at maxMs', async () => {
      const outcome = await runHandler(
        async () => {
          throw new Error('boom');
        },
        { retries: 2 },
        { retryBackoff: { baseMs: 1_000, maxMs: 1_500, initialRetries: 10 } },
      );

      expect(outcome).toMatchObject({ kind: 'fail', retries: 1, retryBackOffMs: 1_500 });
    });

    it('should take the backoff of a RetryableError over the policy', async () => {
      const outcome = await runHandler(async () => {
        throw new RetryableError('rate limited', { retryBackOffMs: 42_000 });
      });

      expect(outcome).toEqual({ kind: 'fail', retries: 2, retryBackOffMs: 42_000, message: 'RetryableError: rate limited' });
    });

    it('should fail with no retries and no backoff on the last retry, so the engine raises an incident', async () => {
      const outcome = await runHandler(
        async () => {
          throw new RetryableError('still down', { retryBackOffMs: 5_000 });
        },
        { retries: 1 },
      );

      expect(outcome).toMatchObject({ kind: 'fail', retries: 0, retryBackOffMs: 0 });
    });

    it('should catch an exception thrown synchronously by a non-async handler', async () => {
      const handler = (() => {
        throw new TypeError('cannot read properties of undefined');
      }) as unknown as JobHandler;

      const outcome = await runHandler(handler);

      expect(outcome).toMatchObject({ kind: 'fail', message: 'TypeError: cannot read properties of undefined' });
    });

    it('should catch a thrown value that is not an Error', async () => {
      const outcome = await runHandler(async () => {
        throw 'nope';
      });

      expect(outcome).toMatchObject({ kind: 'fail', message: 'non-error thrown: nope' });
    });
  });

  describe('deadline', () => {
    it('should abort the signal when the deadline passes', async () => {
      // given a handler that waits on its signal, like an HTTP call would
      const handler: JobHandler = (_job, ctx) =>
        new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));

      // when
      const outcome = await runHandler(handler, { deadline: Date.now() + 20 });

      // then
      expect(outcome).toMatchObject({ kind: 'fail', retries: 2 });
      expect(outcome.kind === 'fail' && outcome.message).toMatch(/^JobDeadlineExceededError: job deadline .* has passed/);
    });

    it('should hand out an already aborted signal when the deadline is past', async () => {
      let reason: unknown;
      await runHandler(
        async (_job, ctx) => {
          reason = ctx.signal.reason;
        },
        { deadline: 1_000 },
        { now: () => 2_000 },
      );

      expect(reason).toBeInstanceOf(JobDeadlineExceededError);
    });

    it('should not abort the signal of a job that finished in time', async () => {
      let signal: AbortSignal | undefined;
      await runHandler(async (_job, ctx) => {
        signal = ctx.signal;
      }, { deadline: Date.now() + 30 });

      await new Promise((resolve) => setTimeout(resolve, 60));

      expect(signal?.aborted).toBe(false);
    });
  });
});
