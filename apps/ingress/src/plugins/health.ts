import type { IntercomHealth, IntercomProbe } from '@relay/intercom';
import type { Producer } from '@relay/jobs/queue';
import { REDIS_FILLING_RATIO, REDIS_FULL_RATIO } from '@relay/jobs/redis';
import type { Metrics } from '@relay/telemetry';
import type { FastifyInstance } from 'fastify';

export type HealthDeps = {
  producer: Producer;
  intercomProbe?: IntercomProbe | undefined;
  metrics?: Metrics | undefined;
  /** REDIS_ACK_REPLICAS: readiness reports how many replicas there are to confirm stores. */
  ackReplicas?: number | undefined;
};

type ReadyStatus = 'healthy' | 'degraded' | 'unhealthy';

/**
 * Redis runs with `noeviction`: when it is full every write fails, so nothing more can be
 * acknowledged. Readiness drops before that, while the workers drain what is stored.
 */
const MEMORY_DEGRADED_RATIO = REDIS_FILLING_RATIO; // where retention starts to yield
const MEMORY_UNHEALTHY_RATIO = REDIS_FULL_RATIO; // where intake stops too

/**
 * /healthz: the process is alive. /readyz: it can do its job. Without Redis, or with Redis
 * nearly full, nothing more can be acknowledged (unhealthy, 503); without Intercom, or with
 * calls held after Intercom refused the token, webhooks and pushes are still stored and wait
 * in the queue (degraded, 200), as with Redis filling up. With REDIS_ACK_REPLICAS, fewer
 * replicas able to confirm than it needs (one down, or resyncing after a failover) is degraded too:
 * the process is fine and recovers by itself, and its stores answer 503 with Retry-After
 * meanwhile (which says more to a sender than a load balancer's own 503).
 */
export function registerHealth(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const [redis, intercom, replicas] = await Promise.all([
      checkRedis(deps.producer, deps.metrics),
      deps.intercomProbe?.check(),
      checkReplicas(deps.producer, deps.ackReplicas ?? 0),
    ]);
    const status: ReadyStatus =
      redis.status === 'down' || redis.status === 'full'
        ? 'unhealthy'
        : redis.status === 'filling' ||
            (replicas && replicas.confirming !== null && replicas.confirming < replicas.required) ||
            (intercom && (intercom.status !== 'up' || intercom.authHold))
          ? 'degraded'
          : 'healthy';
    reply.code(status === 'unhealthy' ? 503 : 200);
    return {
      status,
      services: {
        redis: replicas ? { ...redis, replicas } : redis,
        intercom: intercom ?? notConfigured(),
      },
    };
  });
}

async function checkRedis(producer: Producer, metrics: Metrics | undefined) {
  try {
    const [latency, memory] = await Promise.all([producer.ping(), producer.memory()]);
    const usedRatio = memory.maxBytes > 0 ? memory.usedBytes / memory.maxBytes : 0;
    metrics?.redisMemoryUsedRatio.set(usedRatio);
    return {
      status:
        usedRatio >= MEMORY_UNHEALTHY_RATIO
          ? ('full' as const)
          : usedRatio >= MEMORY_DEGRADED_RATIO
            ? ('filling' as const)
            : ('up' as const),
      latencyMs: Math.round(latency * 100) / 100,
      memory: {
        usedBytes: memory.usedBytes,
        maxBytes: memory.maxBytes,
        usedRatio: Math.round(usedRatio * 1000) / 1000,
      },
    };
  } catch {
    return { status: 'down' as const, latencyMs: null, memory: null };
  }
}

/** Replicas able to confirm against REDIS_ACK_REPLICAS; `confirming` null when Redis does not answer. */
async function checkReplicas(producer: Producer, required: number) {
  if (required === 0) return undefined;
  const confirming = await producer.confirmingReplicas().catch(() => null);
  return { confirming, required };
}

function notConfigured(): Omit<IntercomHealth, 'status'> & { status: 'not_configured' } {
  return {
    status: 'not_configured',
    latencyMs: 0,
    authenticated: false,
    rateLimitRemaining: null,
    authHold: null,
  };
}
