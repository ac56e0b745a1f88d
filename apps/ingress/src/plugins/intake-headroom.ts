import { AppError } from '@relay/errors';
import { createMemoryHeadroom, type Producer } from '@relay/jobs';
import type { FastifyInstance } from 'fastify';
import { sendError } from './error-handler.ts';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Memory fills over minutes, not seconds: a sender that retries sooner only adds load. */
const RETRY_AFTER_MS = 30_000;

/**
 * Stops intake (pushes, webhooks, every other write under /v1) with 503 QUEUE_UNAVAILABLE
 * and Retry-After once Redis is 95 % full (see createMemoryHeadroom), before Redis refuses
 * writes itself: at maxmemory with `noeviction` the workers could not finish a single job,
 * so the room left is theirs, to drain what is stored. Reads, health and /admin (pause,
 * replay) go on. A GDPR erasure is let through: a legal duty, a few hundred bytes, and its
 * job frees the contact's queued data. Runs after authentication and validation, so a
 * caller without a token or with a bad body still hears why.
 */
export function registerIntakeHeadroom(app: FastifyInstance, producer: Producer): void {
  const headroom = createMemoryHeadroom({ read: () => producer.memory() });
  let refusing = false;

  app.addHook('preHandler', async (request, reply) => {
    if (!WRITES.has(request.method)) return;
    const route = request.routeOptions.url ?? '';
    if (!route.startsWith('/v1/') && route !== '/webhooks/intercom') return;
    if (request.method === 'DELETE' && route === '/v1/contacts/:externalId') return;

    const room = await headroom.hasRoom();
    if (room !== !refusing) {
      refusing = !room;
      const usedRatio = Math.round(headroom.usedRatio() * 1000) / 1000;
      if (refusing) app.log.warn({ usedRatio }, 'redis nearly full: refusing intake');
      else app.log.info({ usedRatio }, 'redis has room again: accepting intake');
    }
    if (room) return;
    return sendError(
      reply,
      new AppError('QUEUE_UNAVAILABLE', 'the job store (Redis) is nearly full; retry later', {
        retryAfterMs: RETRY_AFTER_MS,
      }),
    );
  });
}
