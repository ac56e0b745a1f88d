import { afterAll, beforeAll } from 'vitest';

/**
 * Starts something in beforeAll and stops it in afterAll of the file (or of the `describe` it
 * is called in); the getter gives it inside later hooks and tests. Vitest runs "before" hooks
 * in the order they were registered and "after" hooks in reverse, so what a file registers
 * after this starts after it and stops before it.
 */
export function heldForFile<T>(
  what: string,
  start: () => Promise<T>,
  stop: (value: T) => Promise<void>,
  timeoutMs?: number,
): () => T {
  let held: { value: T } | undefined;
  beforeAll(async () => {
    held = { value: await start() };
  }, timeoutMs);
  afterAll(async () => {
    const stopping = held;
    held = undefined;
    if (stopping) await stop(stopping.value);
  }, timeoutMs);
  return () => {
    if (!held) throw new Error(`${what} is used outside the hooks and tests it was set up for`);
    return held.value;
  };
}
