/**
 * Group commit for requests that each carry one item: items arriving while a flush is running
 * wait for the next one, which takes all of them at once. Under load the batches grow by
 * themselves, so throughput follows the set-based path while a lone request still goes out at
 * once (no timer, no added latency).
 */
export class GroupCommit<T, R> {
  private pending: { item: T; resolve(result: R): void; reject(error: unknown): void }[] = [];
  private flushing = 0;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 1000,
    private readonly maxConcurrentFlushes = 2,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.pending.length > 0 && this.flushing < this.maxConcurrentFlushes) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.flushing++;
      this.flush(batch.map((entry) => entry.item)).then(
        (results) => batch.forEach((entry, index) => entry.resolve(results[index])),
        (error) => batch.forEach((entry) => entry.reject(error)),
      ).finally(() => {
        this.flushing--;
        this.drain();
      });
    }
  }
}
