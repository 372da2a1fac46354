import { resolveJobWorkerOptions } from './job-worker.options';

describe('resolveJobWorkerOptions', () => {
  it('should apply the defaults', () => {
    expect(resolveJobWorkerOptions('t')).toEqual({
      maxJobsActive: 32,
      timeoutMs: 60_000,
      fetchVariables: undefined,
      retryBackoff: { baseMs: 1_000, maxMs: 60_000, initialRetries: 3 },
      stream: false,
    });
  });

  it('should merge a partial backoff policy over the default one', () => {
    expect(resolveJobWorkerOptions('t', { retryBackoff: { maxMs: 5_000 } }).retryBackoff).toEqual({
      baseMs: 1_000,
      maxMs: 5_000,
      initialRetries: 3,
    });
  });

  it.each([
    [{ maxJobsActive: 1.5 }, 'maxJobsActive must be a positive integer, found 1.5'],
    [{ timeoutMs: -1 }, 'timeoutMs must be a positive integer, found -1'],
    [{ retryBackoff: { baseMs: 2_000, maxMs: 1_000 } }, 'retryBackoff needs 0 <= baseMs <= maxMs, found baseMs=2000, maxMs=1000'],
  ])('should reject %j', (options, message) => {
    expect(() => resolveJobWorkerOptions('touchpoint.email', options)).toThrow(`@JobWorker('touchpoint.email'): ${message}`);
  });
});
