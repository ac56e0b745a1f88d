import { isPrototypeKey } from './json-body.ts';

/** Deeper limits would let the walk itself, which recurses one frame per level, overflow. */
const MAX_CHECKABLE_DEPTH = 1_000;

export type JsonHazard = 'too_deep' | 'prototype_key';

/**
 * What makes a parsed body unsafe to keep, found in one walk: nesting deeper than `max`
 * levels (objects and arrays), or a key that pollutes prototypes once the value is merged or
 * spread (see isPrototypeKey). Undefined when there is neither. The walk stops at level
 * `max + 1`, so a pathological input (200,000 levels) cannot overflow the stack here;
 * JSON.stringify (BullMQ stores job data with it) is recursive and throws a RangeError past
 * a few thousand levels. Recursive and allocation-free, one pass for both checks: it runs on
 * every webhook.
 */
export function jsonHazard(value: unknown, max: number): JsonHazard | undefined {
  if (max > MAX_CHECKABLE_DEPTH) throw new RangeError(`max must be ≤ ${MAX_CHECKABLE_DEPTH}`);
  return hazardIn(value, max);
}

function hazardIn(value: unknown, levelsLeft: number): JsonHazard | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (levelsLeft === 0) return 'too_deep';
  if (Array.isArray(value)) {
    for (const child of value) {
      const hazard = hazardIn(child, levelsLeft - 1);
      if (hazard !== undefined) return hazard;
    }
    return undefined;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const child = record[key];
    if (isPrototypeKey(key, child)) return 'prototype_key';
    const hazard = hazardIn(child, levelsLeft - 1);
    if (hazard !== undefined) return hazard;
  }
  return undefined;
}
