import { AppError } from '@relay/errors';
import type { Cluster, Redis } from 'ioredis';

/** relay_crm_endpoint_state: 0 ok, 1 failing (the circuit open or probing), 2 disabled (a 410). */
export type EndpointState = 0 | 1 | 2;

export type EndpointCircuitOptions = {
  /** Failures in a row (any delivery, any process) that open the circuit. */
  failuresToOpen?: number;
  /** The first wait with the circuit open; each failed probe doubles it, up to maxOpenMs. */
  firstOpenMs?: number;
  maxOpenMs?: number;
  /** How long a probe may take (the delivery timeout and some). */
  probeMs: number;
  now?: () => number;
};

/**
 * The CRM endpoint's health, shared by every worker process in Redis (see the glossary in
 * ../../index.ts: endpoint circuit). While it is open, deliveries wait without using an
 * attempt (CRM_ENDPOINT_CIRCUIT_OPEN holds the lane); when it has waited, one delivery probes;
 * a 410 disables the endpoint until an operator enables it (CRM_ENDPOINT_DISABLED).
 */
export function createEndpointCircuit(
  redis: Redis | Cluster,
  prefix: string,
  options: EndpointCircuitOptions,
) {
  const key = `${prefix}:push:endpoint`;
  const probeKey = `${prefix}:push:probe`;
  const failuresToOpen = options.failuresToOpen ?? 5;
  const firstOpenMs = options.firstOpenMs ?? 5_000;
  const maxOpenMs = options.maxOpenMs ?? 300_000;
  const now = options.now ?? Date.now;

  type Health = { disabled: boolean; fails: number; openUntil: number; opens: number };
  async function read(): Promise<Health> {
    const [disabled, fails, openUntil, opens] = await redis.hmget(
      key,
      'disabled',
      'fails',
      'openUntil',
      'opens',
    );
    return {
      disabled: disabled === '1',
      fails: Number(fails ?? 0),
      openUntil: Number(openUntil ?? 0),
      opens: Number(opens ?? 0),
    };
  }

  return {
    /**
     * Before a delivery: throws a hold while the endpoint is disabled or the circuit is open.
     * Answers whether this delivery is the probe (the one let through after a wait): a probe
     * that fails does not use an attempt.
     */
    async admit(): Promise<{ probe: boolean; token?: string }> {
      const health = await read();
      if (health.disabled) {
        throw new AppError(
          'CRM_ENDPOINT_DISABLED',
          'the CRM endpoint answered 410 Gone: deliveries wait until `relay feed enable`',
        );
      }
      if (health.fails < failuresToOpen) return { probe: false };
      const waitMs = health.openUntil - now();
      if (waitMs > 0) {
        throw new AppError('CRM_ENDPOINT_CIRCUIT_OPEN', 'the CRM endpoint keeps failing', {
          retryAfterMs: waitMs,
        });
      }
      const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
      const won = await redis.set(probeKey, token, 'PX', options.probeMs, 'NX');
      if (won !== 'OK') {
        throw new AppError('CRM_ENDPOINT_CIRCUIT_OPEN', 'a probe of the CRM endpoint is on', {
          retryAfterMs: 1_000,
        });
      }
      return { probe: true, token };
    },

    /** A 2xx: the circuit closes (written only when it was not closed). */
    async succeeded(admitted: { probe: boolean }): Promise<void> {
      if (admitted.probe) {
        await redis.multi().hdel(key, 'fails', 'openUntil', 'opens').del(probeKey).exec();
        return;
      }
      const health = await read();
      if (health.fails > 0) await redis.hdel(key, 'fails');
    },

    /** Another answer, or none: counted; the failure that makes it `failuresToOpen` opens the circuit. */
    async failed(admitted: { probe: boolean }): Promise<void> {
      if (admitted.probe) {
        const health = await read();
        const waitMs = Math.min(firstOpenMs * 2 ** health.opens, maxOpenMs);
        await redis
          .multi()
          .hset(key, 'openUntil', String(now() + waitMs), 'opens', String(health.opens + 1))
          .del(probeKey)
          .exec();
        return;
      }
      const fails = await redis.hincrby(key, 'fails', 1);
      if (fails === failuresToOpen) {
        await redis.hset(key, 'openUntil', String(now() + firstOpenMs), 'opens', '1');
      }
    },

    /** A 410: the endpoint is disabled until `enable`. */
    async disable(): Promise<void> {
      await redis.hset(key, 'disabled', '1');
    },

    /** `relay feed enable`: deliveries resume (the circuit closed, the failures forgotten). */
    async enable(): Promise<void> {
      await redis.multi().del(key).del(probeKey).exec();
    },

    async state(): Promise<EndpointState> {
      const health = await read();
      if (health.disabled) return 2;
      return health.fails >= failuresToOpen ? 1 : 0;
    },
  };
}

export type EndpointCircuit = ReturnType<typeof createEndpointCircuit>;
