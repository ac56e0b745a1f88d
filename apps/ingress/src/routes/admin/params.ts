import { AppError } from '@relay/errors';
import { LANES, type Lane, type QueueAdmin } from '@relay/jobs';

/** The lane a path or query names; unknown lanes are a 404 listing the lanes there are. */
export function laneOf(queues: QueueAdmin, value: string): Lane {
  if (queues.isLane(value)) return value;
  throw new AppError('NOT_FOUND', `no lane "${value}"; lanes: ${LANES.join(', ')}`, {
    details: { lanes: LANES },
  });
}

/** A whole number from `min` to `max` given as a query string, else `fallback`. */
export function queryInt(
  name: string,
  value: string | undefined,
  fallback: number,
  range: { min: number; max: number },
): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < range.min || parsed > range.max) {
    throw new AppError(
      'PAYLOAD_INVALID',
      `${name} must be a whole number from ${range.min} to ${range.max} (got "${value}")`,
    );
  }
  return parsed;
}
