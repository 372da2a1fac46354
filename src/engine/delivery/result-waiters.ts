import type { CreateInstanceResult, InstanceResult } from '../commands/api';
import { Rejection } from '../errors';

interface Waiter {
  fetchVariables: string[];
  created: CreateInstanceResult;
  resolve(result: InstanceResult): void;
  reject(error: unknown): void;
  timer?: NodeJS.Timeout;
}

/** Clients of CreateProcessInstanceWithResult, waiting for their instance to end. */
export class ResultWaiters {
  private readonly waiters = new Map<number, Waiter>();
  private batchKeys: number[] = [];

  add(
    created: CreateInstanceResult,
    timeout: number,
    fetchVariables: string[],
    resolve: (result: InstanceResult) => void,
    reject: (error: unknown) => void,
  ): void {
    const key = created.processInstanceKey;
    const waiter: Waiter = { fetchVariables, created, resolve, reject };
    if (timeout > 0) {
      waiter.timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(
          new Rejection(
            'DEADLINE_EXCEEDED',
            `Expected to receive the result of process instance '${key}' within ${timeout} ms, but it has not completed yet`,
          ),
        );
      }, timeout);
    }
    this.waiters.set(key, waiter);
    this.batchKeys.push(key);
  }

  /**
   * The instance ended; returns what to do after the commit (or nothing when nobody waits).
   * `variables` is asked for only when someone waits for a completed instance.
   */
  ended(processInstanceKey: number, completed: boolean, variables: (names: string[]) => string): (() => void) | undefined {
    const waiter = this.waiters.get(processInstanceKey);
    if (!waiter) return undefined;
    this.waiters.delete(processInstanceKey);
    if (waiter.timer) clearTimeout(waiter.timer);
    if (completed) {
      const document = variables(waiter.fetchVariables);
      return () => waiter.resolve({ ...waiter.created, variables: document });
    }
    return () =>
      waiter.reject(
        new Rejection('FAILED_PRECONDITION', `Expected the process instance '${processInstanceKey}' to complete, but it was terminated`),
      );
  }

  /** Starts collecting the waiters added by a new batch; pass the result to `abandon` if it fails. */
  beginBatch(): readonly number[] {
    this.batchKeys = [];
    return this.batchKeys;
  }

  abandon(keys: readonly number[]): void {
    for (const key of keys) {
      const waiter = this.waiters.get(key);
      if (waiter?.timer) clearTimeout(waiter.timer);
      this.waiters.delete(key);
    }
  }

  rejectAll(error: Rejection): void {
    for (const waiter of this.waiters.values()) {
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.waiters.clear();
  }
}
