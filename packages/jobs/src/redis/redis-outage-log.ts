import type { RedisClient } from './connection.ts';

/** The logger calls this needs (pino's). */
export type OutageLogger = {
  error(object: object, message: string): void;
  warn(object: object, message: string): void;
};

export type RedisOutageLogOptions = {
  logger: OutageLogger;
  /** While Redis stays unreachable, one summary line this often. @defaultValue 30000 */
  summaryEveryMs?: number;
  now?: () => number;
};

type Outage = { since: number; errors: number; unreported: number; lastError: string };

/**
 * Reports a Redis outage as an operator can read it: one error line when the first
 * connection fails (the cause's message, no stack), then while it lasts one summary line per
 * `summaryEveryMs` (errors since the last line, for how long), and one line when a connection
 * is ready again. One per process, for every connection and every BullMQ queue and worker:
 * ioredis emits an error for each failed reconnect of each connection and BullMQ relays it to
 * every queue and worker sharing that connection; a queue without a listener prints it with
 * its stack (a worker process wrote ~1,500 such lines in 40 s of outage).
 */
export function createRedisOutageLog(options: RedisOutageLogOptions) {
  const now = options.now ?? Date.now;
  const summaryEveryMs = options.summaryEveryMs ?? 30_000;
  let outage: Outage | undefined;
  let timer: NodeJS.Timeout | undefined;

  function failed(error: unknown): void {
    const cause = describe(error);
    if (outage) {
      outage.errors++;
      outage.unreported++;
      outage.lastError = cause.message;
      return;
    }
    outage = { since: now(), errors: 1, unreported: 0, lastError: cause.message };
    options.logger.error({ cause }, 'redis unreachable');
    timer = setInterval(summarise, summaryEveryMs);
    timer.unref();
  }

  function summarise(): void {
    if (!outage || outage.unreported === 0) return;
    options.logger.warn(
      { errors: outage.unreported, downForMs: now() - outage.since, lastError: outage.lastError },
      'redis still unreachable',
    );
    outage.unreported = 0;
  }

  function ready(): void {
    if (!outage) return;
    clearInterval(timer);
    options.logger.warn(
      { downForMs: now() - outage.since, errors: outage.errors },
      'redis reachable again',
    );
    outage = undefined;
  }

  return {
    /** Reports this connection's errors, and its return. */
    watch(client: RedisClient): void {
      client.on('error', failed);
      client.on('ready', ready);
    },
    /** Reports an error of a BullMQ queue or worker that comes from its Redis connection. */
    failed,
    /**
     * Whether `error` (a BullMQ worker's) is the outage's: a network error, or any error
     * while Redis is unreachable. Others are the worker's own, to log as such.
     */
    explains(error: unknown): boolean {
      return outage !== undefined || typeof (error as { syscall?: unknown })?.syscall === 'string';
    },
    close(): void {
      clearInterval(timer);
    },
  };
}

export type RedisOutageLog = ReturnType<typeof createRedisOutageLog>;

function describe(error: unknown): { message: string; code?: string } {
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  return {
    message: typeof message === 'string' ? message : String(error),
    ...(typeof code === 'string' ? { code } : {}),
  };
}
