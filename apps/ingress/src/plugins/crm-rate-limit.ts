import { AppError } from '@relay/errors';
import type { FastifyRequest } from 'fastify';
import type { RequestLimiter } from '../lib/request-limiter.ts';
import { bearerToken } from './crm-auth.ts';

/** At most one warning per this long while Redis cannot count requests. */
const WARN_EVERY_MS = 60_000;

/**
 * An onRequest hook, after the CRM token is checked: each token (the client) gets its own
 * request limit, shared by every ingress process through Redis; over it the answer is 429
 * with Retry-After. If Redis cannot count, the request goes through.
 */
export function crmRateLimit(limiter: RequestLimiter) {
  let lastWarning = 0;
  return async (request: FastifyRequest) => {
    const token = bearerToken(request.headers.authorization);
    if (!token) return;
    const decision = await limiter.take(token);
    if (decision.allowed) {
      if (!decision.checked && Date.now() - lastWarning > WARN_EVERY_MS) {
        lastWarning = Date.now();
        request.log.warn('request limit not checked: redis did not answer; request let through');
      }
      return;
    }
    throw new AppError(
      'RATE_LIMITED',
      `more than ${decision.limit} requests per ${decision.window} with this token: send again after Retry-After seconds`,
      {
        retryAfterMs: decision.retryAfterMs,
        details: { limit: decision.limit, window: decision.window },
      },
    );
  };
}
