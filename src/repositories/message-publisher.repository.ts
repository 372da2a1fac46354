import { Injectable } from '@nestjs/common';
import { ZeebeClientRepository } from '../engine-host/zeebe-client.repository';

/** A BPMN message, as PublishMessage takes it. */
export interface BpmnMessage {
  readonly name: string;
  readonly correlationKey: string;
  readonly messageId: string;
  readonly timeToLiveMs: number;
  readonly variables: Record<string, unknown>;
}

/**
 * How a publish went: `published` (also when the engine already had the message id), `retry`
 * (the engine is away, overloaded, too slow, or cannot take messages yet: try again later),
 * `failed` (the engine refused this message for good, e.g. variables too large).
 */
export type PublishOutcome = { readonly status: 'published' } | { readonly status: 'retry' | 'failed'; readonly error: string };

// gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html).
const ALREADY_EXISTS = 6;
const PERMANENT = new Set([3 /* INVALID_ARGUMENT */, 9 /* FAILED_PRECONDITION */, 11 /* OUT_OF_RANGE */]);

/**
 * Publishes messages through the Zeebe client (the one way to the engine). The client retries
 * UNAVAILABLE and RESOURCE_EXHAUSTED by itself with a backoff, for as long as it takes; a call
 * that has not settled after `timeoutMs` is reported as `retry` here, so that the dispatcher
 * can move on and record the attempt. Such a call may still complete later: {@link inFlight}
 * counts it until it does, so that the dispatcher keeps the calls in flight bounded.
 */
@Injectable()
export class MessagePublisherRepository {
  private pending = 0;

  constructor(private readonly zeebe: ZeebeClientRepository) {}

  /** Calls started and not settled yet, timed-out ones included. */
  get inFlight(): number {
    return this.pending;
  }

  /** Publishes, giving up (as `retry`) after `timeoutMs` or when `abandon` is aborted, e.g. at shutdown. */
  async publish(message: BpmnMessage, timeoutMs: number, abandon?: AbortSignal): Promise<PublishOutcome> {
    if (abandon?.aborted) return { status: 'retry', error: 'publishing was stopped' };
    this.pending++;
    const call = this.zeebe.client
      .publishMessage({
        name: message.name,
        correlationKey: message.correlationKey,
        messageId: message.messageId,
        timeToLive: message.timeToLiveMs,
        variables: message.variables as Record<string, never>,
      })
      .finally(() => this.pending--);
    let timer: NodeJS.Timeout | undefined;
    let onAbandon: (() => void) | undefined;
    const timeout = new Promise<'timeout' | 'abandoned'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
      onAbandon = () => resolve('abandoned');
      abandon?.addEventListener('abort', onAbandon, { once: true });
    });
    try {
      const response = await Promise.race([call, timeout]);
      if (response === 'timeout') return { status: 'retry', error: `no answer from the Zeebe gateway within ${timeoutMs} ms` };
      if (response === 'abandoned') return { status: 'retry', error: 'publishing was stopped before the Zeebe gateway answered' };
      // The client resolves with null instead of publishing when it is being closed.
      if (response === null) return { status: 'retry', error: 'the Zeebe client is closing' };
      return { status: 'published' };
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (code === ALREADY_EXISTS) return { status: 'published' };
      const text = error instanceof Error ? error.message : String(error);
      return { status: typeof code === 'number' && PERMANENT.has(code) ? 'failed' : 'retry', error: text };
    } finally {
      clearTimeout(timer);
      if (onAbandon) abandon?.removeEventListener('abort', onAbandon);
      // A call that lost the race may still reject later, when nobody awaits it any more.
      call.catch(() => undefined);
    }
  }
}
