import { AppError } from '@relay/errors';
import { LANES, type Lane } from '@relay/jobs';
import type { QueueAdmin } from '@relay/jobs/queue';

/** The lane a path or query names; unknown lanes are a 404 listing the lanes there are. */
export function laneOf(queues: QueueAdmin, value: unknown): Lane {
  if (typeof value === 'string' && queues.isLane(value)) return value;
  // The message does not repeat the value: it may be anything, pasted secrets included.
  throw new AppError('NOT_FOUND', `no such lane; lanes: ${LANES.join(', ')}`, {
    details: { lanes: LANES },
  });
}

/** A whole number from `min` to `max` given as a query string, else `fallback`. */
export function queryInt(
  name: string,
  value: unknown,
  fallback: number,
  range: { min: number; max: number },
): number {
  if (value === undefined) return fallback;
  // A repeated parameter arrives as an array.
  const parsed = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(parsed >= range.min && parsed <= range.max)) {
    throw new AppError(
      'PAYLOAD_INVALID',
      `${name} must be a whole number from ${range.min} to ${range.max}`,
    );
  }
  return parsed;
}
