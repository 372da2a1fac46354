import { BusinessError } from '../job-errors';
import type { JobHandler } from '../job.port';
import { fakeJob, runHandler } from './fake-job';

/** A handler built by a factory from its dependencies, the way feature workers are written. */
function sendWelcome(deps: { hasConsent(customerId: string): boolean; send(customerId: string, idempotencyKey: string): void }): JobHandler {
  return async (job) => {
    const customerId = String(job.variables.customerId);
    if (!deps.hasConsent(customerId)) throw new BusinessError('NO_CONSENT');
    deps.send(customerId, job.elementInstanceKey);
    return { welcomeSent: true };
  };
}

describe('runHandler', () => {
  it('should run a handler on a fake job and return the command it ends in', async () => {
    const send = jest.fn();
    const handler = sendWelcome({ hasConsent: () => true, send });

    const outcome = await runHandler(handler, { variables: { customerId: 'c1' }, elementInstanceKey: '42' });

    expect(outcome).toEqual({ kind: 'complete', variables: { welcomeSent: true } });
    expect(send).toHaveBeenCalledWith('c1', '42');
  });

  it('should report a business error as an error outcome', async () => {
    const handler = sendWelcome({ hasConsent: () => false, send: jest.fn() });

    const outcome = await runHandler(handler, { variables: { customerId: 'c1' } });

    expect(outcome).toEqual({ kind: 'error', code: 'NO_CONSENT', message: 'NO_CONSENT', variables: {} });
  });

  it('should build a complete job with defaults that a handler can rely on', () => {
    const job = fakeJob({ type: 'touchpoint.push' });

    expect(job).toMatchObject({ type: 'touchpoint.push', retries: 3, customHeaders: {}, variables: {} });
    expect(job.deadline).toBeGreaterThan(Date.now());
  });
});
