import { AppError } from '@relay/errors';
import type { Producer } from '@relay/jobs/queue';
import { createMemoryHeadroom } from '@relay/jobs/redis';
import type { FastifyInstance, FastifyReply } from 'fastify';
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

  const decide = (room: boolean): void => {
    if (room === !refusing) return;
    refusing = !room;
    const usedRatio = Math.round(headroom.usedRatio() * 1000) / 1000;
    if (refusing) app.log.warn({ usedRatio }, 'redis nearly full: refusing intake');
    else app.log.info({ usedRatio }, 'redis has room again: accepting intake');
  };
  const refuse = (reply: FastifyReply): void => {
    sendError(
      reply,
      new AppError('QUEUE_UNAVAILABLE', 'the job store (Redis) is nearly full; retry later', {
        retryAfterMs: RETRY_AFTER_MS,
      }),
    );
  };

  // Callback style: the last sample answers almost every request, without a promise each.
  app.addHook('preHandler', (request, reply, done) => {
    if (!WRITES.has(request.method)) return done();
    const route = request.routeOptions.url ?? '';
    if (!route.startsWith('/v1/') && route !== '/webhooks/intercom') return done();
    if (request.method === 'DELETE' && route === '/v1/contacts/:externalId') return done();

    const fresh = headroom.roomIfFresh();
    if (fresh === true && !refusing) return done();
    const answer = (room: boolean) => {
      decide(room);
      if (room) done();
      else refuse(reply);
    };
    if (fresh !== undefined) return answer(fresh);
    headroom.hasRoom().then(answer, done);
  });
}
