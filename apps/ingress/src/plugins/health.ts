import type { IntercomHealth, IntercomProbe } from '@relay/intercom';
import type { Producer } from '@relay/jobs';
import type { FastifyInstance } from 'fastify';

export type HealthDeps = { producer: Producer; intercomProbe?: IntercomProbe | undefined };

type ReadyStatus = 'healthy' | 'degraded' | 'unhealthy';

/**
 * /healthz: the process is alive. /readyz: it can do its job. Without Redis nothing can be
 * acknowledged (unhealthy, 503); without Intercom webhooks and pushes are still stored and
 * wait in the queue (degraded, 200).
 */
export function registerHealth(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const [redis, intercom] = await Promise.all([
      checkRedis(deps.producer),
      deps.intercomProbe?.check(),
    ]);
    const status: ReadyStatus =
      redis.status !== 'up'
        ? 'unhealthy'
        : intercom && intercom.status !== 'up'
          ? 'degraded'
          : 'healthy';
    reply.code(status === 'unhealthy' ? 503 : 200);
    return { status, services: { redis, intercom: intercom ?? notConfigured() } };
  });
}

async function checkRedis(producer: Producer) {
  try {
    return { status: 'up' as const, latencyMs: Math.round((await producer.ping()) * 100) / 100 };
  } catch {
    return { status: 'down' as const, latencyMs: null };
  }
}

function notConfigured(): Omit<IntercomHealth, 'status'> & { status: 'not_configured' } {
  return { status: 'not_configured', latencyMs: 0, authenticated: false, rateLimitRemaining: null };
}
