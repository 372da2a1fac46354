import type * as grpc from '@grpc/grpc-js';
import type { ActivatedJob } from '../../engine';
import { toServiceError } from '../grpc-errors';
import { parseDocument, RequestProblems, toInt, toKey } from '../request-mapping';
import { unary, type GatewayContext } from './handler';

interface ActivateJobsMessage {
  type: string;
  worker: string;
  timeout: string;
  maxJobsToActivate: number;
  fetchVariable: string[];
  requestTimeout: string;
}

interface StreamJobsMessage {
  type: string;
  worker: string;
  timeout: string;
  fetchVariable: string[];
}

export function toWire(job: ActivatedJob) {
  return {
    key: String(job.key),
    type: job.type,
    processInstanceKey: String(job.processInstanceKey),
    bpmnProcessId: job.bpmnProcessId,
    processDefinitionVersion: job.processDefinitionVersion,
    processDefinitionKey: String(job.processDefinitionKey),
    elementId: job.elementId,
    elementInstanceKey: String(job.elementInstanceKey),
    customHeaders: job.customHeaders,
    worker: job.worker,
    retries: job.retries,
    deadline: String(job.deadline),
    variables: job.variables,
    tenantId: '<default>',
  };
}

/**
 * Zeebe's own checks and texts. A blank worker name is refused too (this project's rule: a
 * job must say who holds it), although Zeebe 8 lets it through.
 */
function checkActivateRequest(type: string, worker: string, timeout: number, max: number): void {
  new RequestProblems({ brokerSide: true })
    .check(max >= 1, `Expected to activate job batch with max jobs to activate to be greater than zero, but it was '${max}'`)
    .check(timeout >= 1, `Expected to activate job batch with timeout to be greater than zero, but it was '${timeout}'`)
    .check((type ?? '').trim() !== '', 'Expected to activate job batch with type to be present, but it was blank')
    .check((worker ?? '').trim() !== '', 'Expected to activate job batch with worker to be present, but it was blank')
    .throwIfAny();
}

function checkStreamRequest(type: string, worker: string, timeout: number): void {
  new RequestProblems()
    .check((type ?? '').trim() !== '', 'Expected to stream activated jobs with type to be present, but it was blank')
    .check((worker ?? '').trim() !== '', 'Expected to stream activated jobs with worker to be present, but it was blank')
    .check(timeout >= 1, `Expected to stream activated jobs with timeout to be greater than zero, but it was ${timeout}`)
    .throwIfAny();
}

/** One response with the activated jobs, then the stream ends (long-polls when none are ready). */
export const activateJobs =
  (ctx: GatewayContext) =>
  (call: grpc.ServerWritableStream<ActivateJobsMessage, unknown>): void => {
    const request = call.request;
    const abort = new AbortController();
    call.on('cancelled', () => abort.abort());
    const run = async () => {
      const timeout = toInt(request.timeout);
      checkActivateRequest(request.type, request.worker, timeout, request.maxJobsToActivate);
      const jobs = await ctx.engine.activateJobs(
        {
          type: request.type,
          worker: request.worker,
          timeout,
          maxJobsToActivate: request.maxJobsToActivate,
          fetchVariable: request.fetchVariable ?? [],
          requestTimeout: toInt(request.requestTimeout),
        },
        abort.signal,
      );
      if (abort.signal.aborted) {
        // The client left while the jobs were being activated: let their locks expire.
        return;
      }
      if (jobs.length > 0) call.write({ jobs: jobs.map(toWire) });
      call.end();
    };
    // grpc-js sends a server stream's status only through 'error' (destroy() would drop it).
    run().catch((error) => call.emit('error', toServiceError(error, 'ACTIVATE')));
  };

/** Pushes each job of the type as it becomes activatable, until the client closes the stream. */
export const streamActivatedJobs =
  (ctx: GatewayContext) =>
  (call: grpc.ServerWritableStream<StreamJobsMessage, unknown>): void => {
    const request = call.request;
    const timeout = toInt(request.timeout);
    try {
      checkStreamRequest(request.type, request.worker, timeout);
    } catch (error) {
      // Gateway-side validation: Zeebe sends these without the "Command … rejected" prefix.
      call.emit('error', toServiceError(error, ''));
      return;
    }
    let open = true;
    const stream = ctx.engine.openJobStream(
      { type: request.type, worker: request.worker, timeout, fetchVariable: request.fetchVariable ?? [] },
      {
        push: (job) => {
          if (!open || call.cancelled || call.destroyed) return false;
          call.write(toWire(job));
          return true;
        },
      },
    );
    const close = () => {
      open = false;
      stream.close();
    };
    call.on('cancelled', close);
    call.on('close', close);
    call.on('error', close);
  };

export const completeJob = unary<{ jobKey: string; variables: string }, unknown>('COMPLETE', async (ctx, request) => {
  const variables = parseDocument(request.variables);
  await ctx.engine.completeJob(toKey(request.jobKey), variables);
  return {};
});

export const failJob = unary<
  { jobKey: string; retries: number; errorMessage: string; retryBackOff: string; variables: string },
  unknown
>('FAIL', async (ctx, request) => {
  const variables = parseDocument(request.variables);
  await ctx.engine.failJob({
    jobKey: toKey(request.jobKey),
    retries: toInt(request.retries),
    errorMessage: request.errorMessage ?? '',
    retryBackOff: Math.max(0, toInt(request.retryBackOff)),
    variables,
  });
  return {};
});

export const throwError = unary<{ jobKey: string; errorCode: string; errorMessage: string; variables: string }, unknown>(
  'THROW_ERROR',
  async (ctx, request) => {
    new RequestProblems()
      .check((request.errorCode ?? '').trim() !== '', "Expected to throw an error with a non-empty errorCode, but errorCode was ''")
      .throwIfAny();
    const variables = parseDocument(request.variables);
    await ctx.engine.throwError({
      jobKey: toKey(request.jobKey),
      errorCode: request.errorCode,
      errorMessage: request.errorMessage ?? '',
      variables,
    });
    return {};
  },
);

export const updateJobRetries = unary<{ jobKey: string; retries: number }, unknown>(
  'UPDATE_RETRIES',
  async (ctx, request) => {
    await ctx.engine.updateJobRetries(toKey(request.jobKey), toInt(request.retries));
    return {};
  },
);

export const updateJobTimeout = unary<{ jobKey: string; timeout: string }, unknown>(
  'UPDATE_TIMEOUT',
  async (ctx, request) => {
    const timeout = toInt(request.timeout);
    new RequestProblems()
      .check(timeout >= 1, `Expected to update the job timeout to at least 1 ms, but timeout was ${timeout}`)
      .throwIfAny();
    await ctx.engine.updateJobTimeout(toKey(request.jobKey), timeout);
    return {};
  },
);
