/** A promise that rejects after `ms` unless cleared first; one can bound many calls. */
export function timeoutAfter(ms: number): { timeout: Promise<never>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return { timeout, clear: () => clearTimeout(timer) };
}

/** Rejects when `work` has not settled within `ms` (Redis calls have no timeout of their own). */
export function deadline<T>(work: Promise<T>, ms: number): Promise<T> {
  const { timeout, clear } = timeoutAfter(ms);
  return Promise.race([work, timeout]).finally(clear);
}
