import type { EngineHarness } from './engine-harness';

/** Variables as the tests write them: any JSON object. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Vars = Record<string, any>;

type SdkJob = Awaited<ReturnType<EngineHarness['zeebe']['activateJobs']>>[number];
export type Job = Omit<SdkJob, 'variables'> & { variables: Vars };

export interface ActivateOptions {
  /** Long-poll wait; -1 returns at once. Default 2000 ms. */
  requestTimeout?: number;
  /** Activation lock. Default 30 s. */
  timeout?: number;
  maxJobsToActivate?: number;
  fetchVariable?: string[];
  worker?: string;
}

/** ActivateJobs through the Zeebe client, with test-friendly defaults. */
export async function activate(h: EngineHarness, type: string, options: ActivateOptions = {}): Promise<Job[]> {
  return (await h.zeebe.activateJobs({
    type,
    worker: options.worker ?? 'test-worker',
    timeout: options.timeout ?? 30_000,
    maxJobsToActivate: options.maxJobsToActivate ?? 10,
    requestTimeout: options.requestTimeout ?? 2000,
    ...(options.fetchVariable ? { fetchVariable: options.fetchVariable } : {}),
  } as never)) as Job[];
}

/** Activates exactly one job of `type` (fails the test when none or several come back). */
export async function activateOne(h: EngineHarness, type: string, options: ActivateOptions = {}): Promise<Job> {
  const jobs = await activate(h, type, options);
  if (jobs.length !== 1) throw new Error(`Expected one job of type '${type}', but got ${jobs.length}`);
  return jobs[0];
}

/** Activates the one job of `type` and completes it with `variables`; returns the job. */
export async function completeOne(h: EngineHarness, type: string, variables: Vars = {}): Promise<Job> {
  const job = await activateOne(h, type);
  await h.zeebe.completeJob({ jobKey: job.key, variables });
  return job;
}

/** Activatable jobs of `type` right now, without long polling. */
export function activateNow(h: EngineHarness, type: string, options: ActivateOptions = {}): Promise<Job[]> {
  return activate(h, type, { ...options, requestTimeout: -1 });
}

/** Runs `fn` and returns the gRPC error it rejects with (fails when it resolves). */
export async function grpcError(fn: () => Promise<unknown>): Promise<{ code: number; details: string; message: string }> {
  try {
    await fn();
  } catch (error) {
    return error as { code: number; details: string; message: string };
  }
  throw new Error('Expected the call to be rejected, but it succeeded');
}

/** Deploys one BPMN XML through the Zeebe client; returns the process metadata. */
export async function deploy(h: EngineHarness, xml: string, name = 'process.bpmn') {
  const result = await h.zeebe.deployResource({ process: Buffer.from(xml), name });
  const process = result.deployments[0].process;
  if (!process) throw new Error('Expected a process in the deployment');
  return process;
}

let counter = 0;
/** A name unique within the test run, so tests sharing an engine never see each other's jobs. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
}

/** SetVariables; returns the key of the VARIABLE_DOCUMENT (the SDK types the response as void). */
export async function setVariables(h: EngineHarness, elementInstanceKey: string, variables: Vars, local: boolean): Promise<string> {
  const response = (await h.zeebe.setVariables({ elementInstanceKey, variables, local })) as unknown as { key: string };
  return response.key;
}
