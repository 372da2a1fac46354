/** Where the engine reads time. Production uses wall time; tests and the simulator control it. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}

/**
 * A clock that only moves when told to. `advance()` notifies listeners (the engine's
 * scheduler) so that timers and deadlines that fell due are processed without waiting.
 */
export class ManualClock implements Clock {
  private current: number;
  private readonly listeners = new Set<() => void>();

  constructor(start: number = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError(`Expected a non-negative duration, but got ${ms}`);
    this.current += ms;
    for (const listener of this.listeners) listener();
  }

  set(epochMs: number): void {
    if (epochMs < this.current) throw new RangeError('A manual clock never goes back in time');
    this.advance(epochMs - this.current);
  }

  onAdvance(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
