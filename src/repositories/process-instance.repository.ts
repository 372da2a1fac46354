import { Injectable } from '@nestjs/common';
import { ZeebeClientRepository } from '../engine-host/zeebe-client.repository';

/**
 * What went wrong with a command, in the terms the service decides on: the engine's rejections
 * (NOT_FOUND, FAILED_PRECONDITION, INVALID_ARGUMENT), an engine that did not answer
 * (UNAVAILABLE, also for timeouts and backpressure), or anything else (OTHER).
 */
export type EngineErrorCode = 'NOT_FOUND' | 'FAILED_PRECONDITION' | 'INVALID_ARGUMENT' | 'UNAVAILABLE' | 'OTHER';

/** A command the engine refused or did not answer; `message` is the engine's own explanation. */
export class EngineCommandError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineCommandError';
  }
}

export interface StartedInstance {
  readonly processInstanceKey: string;
  readonly processDefinitionKey: string;
}

/** How long a command may take before it counts as unanswered (the client retries unavailability itself meanwhile). */
export const ENGINE_COMMAND_TIMEOUT_MS = 10_000;

// gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html).
const CODES: Record<number, EngineErrorCode> = {
  1: 'UNAVAILABLE', // CANCELLED
  3: 'INVALID_ARGUMENT',
  4: 'UNAVAILABLE', // DEADLINE_EXCEEDED
  5: 'NOT_FOUND',
  8: 'UNAVAILABLE', // RESOURCE_EXHAUSTED: backpressure
  9: 'FAILED_PRECONDITION',
  11: 'INVALID_ARGUMENT', // OUT_OF_RANGE
  14: 'UNAVAILABLE',
};

/**
 * Commands on process instances, jobs and incidents through the Zeebe client — the one way to
 * the engine, embedded or a real Zeebe. Failures come out as {@link EngineCommandError}.
 */
@Injectable()
export class ProcessInstanceRepository {
  constructor(private readonly zeebe: ZeebeClientRepository) {}

  /** Where the commands go, for messages. */
  get gateway(): string {
    return this.zeebe.address;
  }

  /**
   * Starts an instance of the process definition `bpmnProcessId` version `version` (the pair
   * names one definition, as its key does: the client's CreateProcessInstance takes no key).
   * Not bounded in time: the caller decides how long to wait (see {@link withTimeout}).
   */
  async create(bpmnProcessId: string, version: number, variables: Record<string, unknown>): Promise<StartedInstance> {
    const response = await this.call(this.zeebe.client.createProcessInstance({ bpmnProcessId, version, variables: variables as Record<string, never> }));
    return { processInstanceKey: String(response.processInstanceKey), processDefinitionKey: String(response.processDefinitionKey) };
  }

  async cancel(processInstanceKey: string): Promise<void> {
    await withTimeout(this.call(this.zeebe.client.cancelProcessInstance(processInstanceKey)), ENGINE_COMMAND_TIMEOUT_MS, this.gateway);
  }

  async updateJobRetries(jobKey: string, retries: number): Promise<void> {
    await withTimeout(this.call(this.zeebe.client.updateJobRetries({ jobKey, retries })), ENGINE_COMMAND_TIMEOUT_MS, this.gateway);
  }

  async resolveIncident(incidentKey: string): Promise<void> {
    await withTimeout(this.call(this.zeebe.client.resolveIncident({ incidentKey })), ENGINE_COMMAND_TIMEOUT_MS, this.gateway);
  }

  /**
   * Whether the process instance still runs, asked the only way the gateway protocol allows: an
   * empty SetVariables on the instance's scope, which Zeebe rejects with NOT_FOUND once the
   * instance ended (completed or terminated; the protocol does not say which) and otherwise
   * applies as a no-op (it leaves one VARIABLE_DOCUMENT record in the engine's log).
   */
  async isRunning(processInstanceKey: string): Promise<boolean> {
    try {
      await withTimeout(
        this.call(this.zeebe.client.setVariables({ elementInstanceKey: processInstanceKey, variables: {}, local: true })),
        ENGINE_COMMAND_TIMEOUT_MS,
        this.gateway,
      );
      return true;
    } catch (error) {
      if (error instanceof EngineCommandError && error.code === 'NOT_FOUND') return false;
      throw error;
    }
  }

  /** The client's promise with its errors as {@link EngineCommandError}; it resolves null instead when it is closing. */
  private async call<T>(promise: Promise<T>): Promise<NonNullable<T>> {
    let result: T;
    try {
      result = await promise;
    } catch (error) {
      throw toEngineError(error);
    }
    if (result === null) throw new EngineCommandError('UNAVAILABLE', 'the Zeebe client is closing');
    return result as NonNullable<T>;
  }
}

/**
 * `promise`, or an UNAVAILABLE {@link EngineCommandError} when it has not settled after `ms`. The
 * call itself goes on (the client cannot abort it): the caller must assume it may still happen.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, gateway: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EngineCommandError('UNAVAILABLE', `no answer from the Zeebe gateway at ${gateway} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
    // A call that lost the race may still reject later, when nobody awaits it any more.
    promise.catch(() => undefined);
  }
}

function toEngineError(error: unknown): EngineCommandError {
  if (error instanceof EngineCommandError) return error;
  const { code, details } = (error ?? {}) as { code?: unknown; details?: unknown };
  const message = typeof details === 'string' && details !== '' ? details : error instanceof Error ? error.message : String(error);
  return new EngineCommandError(typeof code === 'number' ? (CODES[code] ?? 'OTHER') : 'OTHER', message);
}
