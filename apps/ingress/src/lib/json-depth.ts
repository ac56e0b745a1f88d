/** Deeper limits would let the walk itself, which recurses one frame per level, overflow. */
const MAX_CHECKABLE_DEPTH = 1_000;

/**
 * True when `value` nests objects or arrays deeper than `max` levels. The walk stops at
 * level `max + 1`, so a pathological input (200,000 levels) cannot overflow the stack here;
 * JSON.stringify (BullMQ stores job data with it) is recursive and throws a RangeError past
 * a few thousand levels. Recursive and allocation-free: it runs on every webhook.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  if (max > MAX_CHECKABLE_DEPTH) throw new RangeError(`max must be ≤ ${MAX_CHECKABLE_DEPTH}`);
  return deeperThan(value, max);
}

function deeperThan(value: unknown, levelsLeft: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (levelsLeft === 0) return true;
  if (Array.isArray(value)) {
    for (const child of value) if (deeperThan(child, levelsLeft - 1)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) if (deeperThan(record[key], levelsLeft - 1)) return true;
  return false;
}
