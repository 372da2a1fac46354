/**
 * An in-memory table that remembers what changed since the last flush, so a batch writes
 * only its net effect: a row created and deleted within one batch (a start event, an
 * instance that runs straight through) never reaches the database.
 */
export interface TableChanges<V> {
  upserts: V[];
  deletes: number[];
}

export class TrackedTable<V extends { key: number }> {
  readonly rows = new Map<number, V>();
  /** key → row to upsert, or null to delete. */
  private readonly dirty = new Map<number, V | null>();
  /** Keys created since the last flush that the store has never seen. */
  private readonly fresh = new Set<number>();

  constructor(readonly name: string) {}

  get size(): number {
    return this.rows.size;
  }

  get(key: number): V | undefined {
    return this.rows.get(key);
  }

  has(key: number): boolean {
    return this.rows.has(key);
  }

  values(): IterableIterator<V> {
    return this.rows.values();
  }

  put(row: V): void {
    const key = row.key;
    // A key whose persisted row was deleted in this batch is not fresh: the store must overwrite it.
    if (!this.rows.has(key) && !this.dirty.has(key)) this.fresh.add(key);
    this.rows.set(key, row);
    this.dirty.set(key, row);
  }

  /** Marks a row whose fields were mutated in place. */
  touch(row: V): void {
    this.dirty.set(row.key, row);
  }

  delete(key: number): V | undefined {
    const row = this.rows.get(key);
    if (!row) return undefined;
    this.rows.delete(key);
    if (this.fresh.delete(key)) this.dirty.delete(key);
    else this.dirty.set(key, null);
    return row;
  }

  /** Loads a persisted row without marking it dirty (recovery). */
  load(row: V): void {
    this.rows.set(row.key, row);
  }

  get hasChanges(): boolean {
    return this.dirty.size > 0;
  }

  flush(): TableChanges<V> {
    const upserts: V[] = [];
    const deletes: number[] = [];
    for (const [key, row] of this.dirty) {
      if (row) upserts.push(row);
      else deletes.push(key);
    }
    this.dirty.clear();
    this.fresh.clear();
    return { upserts, deletes };
  }

  clear(): void {
    this.rows.clear();
    this.dirty.clear();
    this.fresh.clear();
  }
}
