/**
 * Zeebe keys are 64-bit with the partition id in the bits above bit 51. The embedded engine
 * is a single partition (id 1), so every key is 2^51 + a counter: that stays below 2^53 for
 * 2^52 keys, which lets the engine use plain JS numbers internally and send decimal strings
 * on the wire.
 */
export const PARTITION_ID = 1;
const PARTITION_BITS = 51;
export const KEY_BASE = PARTITION_ID * 2 ** PARTITION_BITS;

export class KeyGenerator {
  constructor(private last: number = KEY_BASE) {}

  next(): number {
    this.last += 1;
    return this.last;
  }

  /** The last key handed out; persisted with each batch so keys are never reused. */
  get current(): number {
    return this.last;
  }

  /** Raises the counter after recovery (never lowers it). */
  restore(last: number): void {
    if (last > this.last) this.last = last;
  }
}

/** Parses a key from the wire; returns undefined for anything that is not a positive integer. */
export function parseKey(value: string | number | undefined | null): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
