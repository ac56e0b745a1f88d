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
  /**
   * How the relay reaches Redis. Behind Sentinel or in a cluster, Redis not answering soon
   * after it did is first a failover in progress (`reconnecting`), and readiness reports the
   * primary holding the queues and its replicas.
   */
  redisMode?: 'single' | 'sentinel' | 'cluster' | undefined;
};

type ReadyStatus = 'healthy' | 'degraded' | 'unhealthy';

/**
 * Redis runs with `noeviction`: when it is full every write fails, so nothing more can be
 * acknowledged. Readiness drops before that, while the workers drain what is stored.
 */
const MEMORY_DEGRADED_RATIO = REDIS_FILLING_RATIO; // where retention starts to yield
const MEMORY_UNHEALTHY_RATIO = REDIS_FULL_RATIO; // where intake stops too

/**
 * How long Redis may not answer, behind Sentinel or in a cluster, before readiness calls it
 * down rather than a failover in progress: Sentinel's down-after-milliseconds (30 s by
 * default) plus an election and the clients' reconnection.
 */
const FAILOVER_GRACE_MS = 60_000;

/**
 * /healthz: the process is alive. /readyz: it can do its job. Without Redis, or with Redis
 * nearly full, nothing more can be acknowledged (unhealthy, 503); without Intercom, or with
 * calls held after Intercom refused the token, webhooks and pushes are still stored and wait
 * in the queue (degraded, 200), as with Redis filling up. Degraded too, because the process
 * is fine and recovers by itself while its stores answer 503 with Retry-After (which says
 * more to a sender than a load balancer's own 503, and every ingress shares the one Redis):
 * - with REDIS_ACK_REPLICAS, fewer replicas able to confirm than it needs (one down, or
 *   resyncing after a failover);
 * - behind Sentinel or in a cluster, Redis not answering for less than FAILOVER_GRACE_MS
 *   after it last did (`reconnecting`: a failover in progress).
 */
export function registerHealth(app: FastifyInstance, deps: HealthDeps): void {
  const mode = deps.redisMode ?? 'single';
  let redisUpAt = Date.now(); // a start-up counts: the ingress connects before it listens

  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const [reading, intercom, topology] = await Promise.all([
      checkRedis(deps.producer, deps.metrics),
      deps.intercomProbe?.check(),
      checkReplicas(deps.producer, mode, deps.ackReplicas ?? 0),
    ]);
    const now = Date.now();
    if (reading.status !== 'down') redisUpAt = now;
    const redis =
      reading.status === 'down' && mode !== 'single' && now - redisUpAt < FAILOVER_GRACE_MS
        ? { ...reading, status: 'reconnecting' as const, downForMs: now - redisUpAt }
        : reading;
    const status: ReadyStatus =
      redis.status === 'down' || redis.status === 'full'
        ? 'unhealthy'
        : redis.status === 'filling' ||
            redis.status === 'reconnecting' ||
            replicasShort(topology?.replicas) ||
            (intercom && (intercom.status !== 'up' || intercom.authHold))
          ? 'degraded'
          : 'healthy';
    reply.code(status === 'unhealthy' ? 503 : 200);
    return {
      status,
      services: {
        redis: { ...redis, mode, ...topology },
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

/**
 * The primary holding the queues and its replicas: those able to confirm stores against
 * REDIS_ACK_REPLICAS (`confirming` null when Redis does not answer). Only where there are
 * replicas to speak of: behind Sentinel, in a cluster, or with REDIS_ACK_REPLICAS set.
 */
async function checkReplicas(producer: Producer, mode: string, required: number) {
  if (required === 0 && mode === 'single') return undefined;
  const reading = await producer.replication().catch(() => null);
  return {
    primary: reading?.primary ?? null,
    replicas: {
      linked: reading?.linked ?? null,
      confirming: reading?.confirming ?? null,
      required,
    },
  };
}

function replicasShort(replicas: { confirming: number | null; required: number } | undefined) {
  return (
    replicas !== undefined &&
    replicas.confirming !== null &&
    replicas.confirming < replicas.required
  );
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
