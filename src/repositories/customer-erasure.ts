import { createHash } from 'node:crypto';

/**
 * Erasure and the writers of customer data meet on one advisory lock: erasure takes it
 * exclusively, every transaction that may create a profile or store an event takes it shared.
 * So a batch either commits before an erasure starts (and the erasure deletes what it wrote), or
 * starts after it committed (and sees the tombstone) — a concurrent batch can never re-create
 * an erased profile. Erasures are rare and short; shared holders never wait for each other.
 * Any constant shared by every Travesía process; it names the lock, it is not a secret.
 */
export const ERASURE_LOCK = 7_340_101;

export type ErasedIdKind = 'customer' | 'anonymous';

/**
 * What a tombstone keeps of an erased id: a SHA-256, so that the id itself is gone but events
 * that arrive later for it can still be recognised. Unsalted on purpose: a salt per id could not
 * be found again from the id, and one shared salt would live next to the hashes anyway.
 */
export function erasureHash(kind: ErasedIdKind, id: string): string {
  return createHash('sha256').update(`travesia-erasure:${kind}:${id}`, 'utf8').digest('hex');
}
