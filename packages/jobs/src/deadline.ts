/** What a Redis call that outlived its deadline fails with. */
export function redisTimeout(ms: number): Error {
  return new Error(`Redis did not answer within ${ms} ms`);
}

/** Rejects when `work` has not settled within `ms` (Redis calls have no timeout of their own). */
export function deadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(redisTimeout(ms)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
