import { retryBackOffFor } from './retry-backoff';

describe('retryBackOffFor', () => {
  const policy = { baseMs: 1_000, maxMs: 8_000, initialRetries: 6 };

  it.each([
    { retriesLeft: 6, expected: 1_000 },
    { retriesLeft: 5, expected: 2_000 },
    { retriesLeft: 4, expected: 4_000 },
    { retriesLeft: 3, expected: 8_000 },
    { retriesLeft: 2, expected: 8_000 },
  ])('should wait $expected ms when failing with $retriesLeft retries left', ({ retriesLeft, expected }) => {
    expect(retryBackOffFor(retriesLeft, policy)).toBe(expected);
  });

  it('should start from the base when the job has more retries than the policy expects', () => {
    expect(retryBackOffFor(9, policy)).toBe(1_000);
  });

  it('should stay finite for a huge number of retries', () => {
    expect(retryBackOffFor(1, { baseMs: 1, maxMs: 60_000, initialRetries: 10_000 })).toBe(60_000);
  });
});
