/** What a Redis call that outlived its deadline fails with: Redis did not answer in time. */
export class RedisTimeoutError extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
    this.name = 'RedisTimeoutError';
  }
}

/** What a Redis call that outlived its deadline fails with. */
export function redisTimeout(ms: number): RedisTimeoutError {
  return new RedisTimeoutError(ms);
}

/**
 * Rejects when `work` has not settled within `ms`. ioredis gives a command no deadline of its
 * own (commandTimeout is unset): with the connection down a producer's call fails at once (no
 * offline queue), but a Redis that stops answering on an open connection (a stopped process,
 * a network partition) holds the call until the socket is found dead, which can take minutes.
 */
export function deadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(redisTimeout(ms)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
