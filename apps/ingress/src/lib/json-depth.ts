/**
 * True when `value` nests objects or arrays deeper than `max` levels. Iterative, so a
 * pathological input cannot overflow the stack here; JSON.stringify (BullMQ stores job data
 * with it) is recursive and throws a RangeError past a few thousand levels.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const next = stack.pop() as { value: unknown; depth: number };
    if (typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    if (depth > max) return true;
    for (const child of Object.values(next.value)) stack.push({ value: child, depth });
  }
  return false;
}
