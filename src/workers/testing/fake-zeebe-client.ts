import type { ZeebeWorkerClient } from '../zeebe-client.token';
import type { JobActionAcknowledgement, ZeebeJob, ZeebeTaskHandler } from '../zeebe-job.adapter';

type PollConfig = Parameters<ZeebeWorkerClient['createWorker']>[0];
type StreamRequest = Parameters<ZeebeWorkerClient['streamJobs']>[0];

/** A worker the runner asked the fake client for. */
export interface FakeWorker {
  readonly mode: 'poll' | 'stream';
  readonly type: string;
  /** The config or request as the runner passed it, minus the task handler. */
  readonly settings: Record<string, unknown>;
  readonly taskHandler: ZeebeTaskHandler;
  closed: boolean;
}

/** What the fake job's action callbacks were called with. */
export type FakeJobCommand =
  | { readonly command: 'complete'; readonly variables: unknown }
  | { readonly command: 'error'; readonly request: unknown }
  | { readonly command: 'fail'; readonly request: unknown };

/**
 * Stands in for @camunda8/sdk's ZeebeGrpcClient in runner unit tests: records the workers
 * created and delivers jobs to their task handlers. Replies of the engine are simulated by
 * `rejectCommands`. Only for mapping tests — the binding itself is tested on a real engine.
 */
export class FakeZeebeClient {
  readonly workers: FakeWorker[] = [];
  readonly commands: FakeJobCommand[] = [];
  /** When set, job commands reject with this error, as the engine does for a cancelled job. */
  rejectCommands?: Error;
  /** How many of the next streamJobs calls fail, as the client's do while the gateway is unreachable. */
  failStreamOpens = 0;

  /** Typed as the client the runner needs. */
  asClient(): ZeebeWorkerClient {
    return this as unknown as ZeebeWorkerClient;
  }

  createWorker(config: PollConfig): { close(): Promise<null> } {
    const { taskHandler, ...settings } = config;
    const worker: FakeWorker = { mode: 'poll', type: config.taskType, settings, taskHandler, closed: false };
    this.workers.push(worker);
    return { close: async () => ((worker.closed = true), null) };
  }

  async streamJobs(request: StreamRequest): Promise<{ close(): void }> {
    if (this.failStreamOpens > 0) {
      this.failStreamOpens--;
      throw new Error('14 UNAVAILABLE: No connection established');
    }
    const { taskHandler, ...settings } = request;
    const worker: FakeWorker = { mode: 'stream', type: request.type, settings, taskHandler, closed: false };
    this.workers.push(worker);
    return { close: () => void (worker.closed = true) };
  }

  /** Delivers a job of `type` to its worker; resolves when the task handler does. */
  async deliver(type: string, partial: Partial<ZeebeJob> = {}): Promise<JobActionAcknowledgement> {
    const worker = this.workers.find((candidate) => candidate.type === type && !candidate.closed);
    if (!worker) throw new Error(`no open worker for job type ${type}; workers: ${this.workers.map((w) => w.type).join(', ')}`);
    return worker.taskHandler(this.createJob(type, partial), {} as never);
  }

  /** A job as the client hands it to a task handler; its action callbacks record into `commands`. */
  createJob(type: string, partial: Partial<ZeebeJob> = {}): ZeebeJob {
    const acknowledge = async (command: FakeJobCommand): Promise<JobActionAcknowledgement> => {
      this.commands.push(command);
      if (this.rejectCommands) throw this.rejectCommands;
      return 'JOB_ACTION_ACKNOWLEDGEMENT';
    };
    const job = {
      key: '2251799813685251',
      type,
      processInstanceKey: '2251799813685249',
      bpmnProcessId: 'test-journey',
      processDefinitionVersion: 1,
      elementId: 'Task_1',
      elementInstanceKey: '2251799813685250',
      customHeaders: {},
      worker: 'test-worker',
      retries: 3,
      deadline: String(Date.now() + 60_000),
      variables: {},
      tenantId: '<default>',
      complete: (variables?: unknown) => acknowledge({ command: 'complete', variables }),
      error: (request: unknown) => acknowledge({ command: 'error', request }),
      fail: (request: unknown) => acknowledge({ command: 'fail', request }),
      forward: () => 'JOB_ACTION_ACKNOWLEDGEMENT',
      cancelWorkflow: async () => 'JOB_ACTION_ACKNOWLEDGEMENT',
    };
    // Descriptors rather than a spread, so a test can pass getters that throw when read.
    return Object.defineProperties(job, Object.getOwnPropertyDescriptors(partial)) as unknown as ZeebeJob;
  }
}
