import { AppError, isAppError } from '@relay/errors';
import { Redis, ReplyError } from 'ioredis';
import type { RedisClient } from './connection.ts';
import { RedisTimeoutError } from './deadline.ts';

/**
 * Error replies by which Redis says it cannot serve now, whatever the command (an error
 * reply starts with its code): still loading its data, a script running too long, full
 * (`noeviction`), a replica or a master without its replicas or its disk, a cluster
 * reconfiguring.
 */
const UNAVAILABLE_REPLIES = new Set([
  'LOADING',
  'BUSY',
  'OOM',
  'READONLY',
  'MASTERDOWN',
  'MISCONF',
  'NOREPLICAS',
  'CLUSTERDOWN',
  'TRYAGAIN',
]);

/**
 * ioredis's own errors (plain Errors, told apart by message) for a connection that broke
 * under a command, and for a cluster that could not route one: a node gone, slots moving,
 * no slot map yet (a failover in progress; see the glossary: cluster failover).
 */
const CONNECTION_LOST_MESSAGES = [
  'Connection is closed.',
  'Too many Cluster redirections.',
  "Cluster isn't ready",
  'Cluster is disconnected.',
  'None of startup nodes is available',
  'Failed to refresh slots cache.',
  'Reached the max retries per request limit',
  "Stream isn't writeable",
  'Command aborted due to connection close',
];

/** Socket errors: Redis cannot be reached, or the connection broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * True when a failed call failed because Redis cannot serve right now (retrying later may
 * work): no answer in time, the connection not up (ioredis's errors for that are plain
 * Errors, so the connection's own state says it), a socket error, or Redis's own refusal
 * for unavailability. False for anything else: BullMQ refusing an operation, a script
 * error, a bug — which no amount of waiting fixes.
 */
function isRedisUnavailable(error: unknown, connection: RedisClient): boolean {
  return cannotSend(connection) || isRedisUnavailableError(error);
}

/** The same judged by the error alone, where no one connection made the call (a job's run). */
export function isRedisUnavailableError(error: unknown): boolean {
  if (error instanceof RedisTimeoutError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (CONNECTION_LOST_MESSAGES.some((message) => error.message.startsWith(message))) return true;
  return (
    error instanceof ReplyError && UNAVAILABLE_REPLIES.has(error.message.split(' ', 1)[0] ?? '')
  );
}

/**
 * ioredis's own test before it sends a command: ready, and (one server) a socket it can
 * write to. Between a socket closing and ioredis noticing, the status still says ready.
 */
function cannotSend(connection: RedisClient): boolean {
  if (connection.status !== 'ready') return true;
  return connection instanceof Redis && !connection.stream?.writable;
}

/**
 * A failed call to the job store as the caller sees it: QUEUE_UNAVAILABLE (503, retry later)
 * only when Redis cannot serve; anything else is INTERNAL, with the cause chained for the log.
 * The relay's own errors pass through.
 */
export function jobStoreFailure(
  cause: unknown,
  connection: RedisClient,
  unavailable: string,
): AppError {
  if (isAppError(cause)) return cause;
  if (isRedisUnavailable(cause, connection)) {
    return new AppError('QUEUE_UNAVAILABLE', unavailable, { cause, retryAfterMs: 5_000 });
  }
  return new AppError('INTERNAL', 'internal error: the job store refused the operation', {
    cause,
  });
}
