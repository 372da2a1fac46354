import { FakeZeebeClient } from './testing/fake-zeebe-client';
import { reportOutcome, toJob } from './zeebe-job.adapter';

/** Shaped like the client's LosslessDto: variables arrive as a class instance. */
class ParsedVariables {
  customerId = 'c1';
  score = 7;
}

describe('zeebe job adapter', () => {
  const zeebe = new FakeZeebeClient();

  beforeEach(() => {
    zeebe.commands.length = 0;
  });

  describe('toJob', () => {
    it('should map the client job to the Job port', () => {
      const zeebeJob = zeebe.createJob('touchpoint.sms', {
        key: '2251799813685300',
        retries: 2,
        deadline: '1767225600000',
        customHeaders: { template: 'welcome', priority: 5 },
        variables: new ParsedVariables() as never,
      });

      const job = toJob(zeebeJob);

      expect(job).toEqual({
        key: '2251799813685300',
        type: 'touchpoint.sms',
        processInstanceKey: '2251799813685249',
        bpmnProcessId: 'test-journey',
        processDefinitionVersion: 1,
        elementId: 'Task_1',
        elementInstanceKey: '2251799813685250',
        retries: 2,
        deadline: 1_767_225_600_000,
        customHeaders: { template: 'welcome', priority: '5' },
        variables: { customerId: 'c1', score: 7 },
      });
      expect(Object.getPrototypeOf(job.variables)).toBe(Object.prototype);
    });

    it('should not carry the action callbacks into the port', () => {
      const job = toJob(zeebe.createJob('touchpoint.sms'));

      expect(Object.values(job).some((value) => typeof value === 'function')).toBe(false);
    });
  });

  describe('reportOutcome', () => {
    it('should complete with the variables', async () => {
      await reportOutcome(zeebe.createJob('t'), { kind: 'complete', variables: { ok: true } });

      expect(zeebe.commands).toEqual([{ command: 'complete', variables: { ok: true } }]);
    });

    it('should throw the error with code, message and variables', async () => {
      await reportOutcome(zeebe.createJob('t'), { kind: 'error', code: 'OPTED_OUT', message: 'no', variables: { a: 1 } });

      expect(zeebe.commands).toEqual([{ command: 'error', request: { errorCode: 'OPTED_OUT', errorMessage: 'no', variables: { a: 1 } } }]);
    });

    it('should fail with explicit retries and backoff', async () => {
      await reportOutcome(zeebe.createJob('t'), { kind: 'fail', retries: 0, retryBackOffMs: 0, message: 'gone' });

      expect(zeebe.commands).toEqual([{ command: 'fail', request: { errorMessage: 'gone', retries: 0, retryBackOff: 0 } }]);
    });
  });
});
