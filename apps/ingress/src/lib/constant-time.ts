import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two strings in time independent of where they differ. Both are hashed first:
 * timingSafeEqual throws on unequal lengths (a 500 waiting to happen) and would leak the length.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

/** True when `candidate` equals any of `accepted`, checking all of them (no early exit). */
export function matchesAny(candidate: string, accepted: readonly string[]): boolean {
  let found = false;
  for (const value of accepted) found = constantTimeEqual(candidate, value) || found;
  return found;
}
