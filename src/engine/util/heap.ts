/**
 * A binary min-heap ordered by `due`. Entries are removed lazily: callers check on pop that
 * the entry still matches their state (e.g. the job is still activated with that deadline).
 */
export interface HeapEntry<T> {
  due: number;
  item: T;
}

export class DueHeap<T> {
  private readonly items: HeapEntry<T>[] = [];

  get size(): number {
    return this.items.length;
  }

  push(due: number, item: T): void {
    const items = this.items;
    items.push({ due, item });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent].due <= items[i].due) break;
      [items[parent], items[i]] = [items[i], items[parent]];
      i = parent;
    }
  }

  peekDue(): number | undefined {
    return this.items[0]?.due;
  }

  /** Removes and returns every entry due at or before `now`, earliest first. */
  popDue(now: number): T[] {
    const out: T[] = [];
    while (this.items.length > 0 && this.items[0].due <= now) out.push(this.pop()!.item);
    return out;
  }

  clear(): void {
    this.items.length = 0;
  }

  private pop(): HeapEntry<T> | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && items[l].due < items[m].due) m = l;
        if (r < items.length && items[r].due < items[m].due) m = r;
        if (m === i) break;
        [items[m], items[i]] = [items[i], items[m]];
        i = m;
      }
    }
    return top;
  }
}
