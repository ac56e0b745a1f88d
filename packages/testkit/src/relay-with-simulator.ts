import { freePort } from './free-port.ts';
import { heldForFile } from './held-for-file.ts';
import { startTestRedis, type TestRedis } from './redis.ts';
import type { TestRedisCluster } from './redis-cluster.ts';
import { type SimulatorProcess, startSimulator } from './simulator.ts';
import { type Stack, type StackOptions, startStack } from './stack.ts';

export const E2E_CRM_TOKEN = 'crm-e2e-token';
export const E2E_WEBHOOK_SECRET = 'e2e-webhook-secret';

export type RelayWithSimulator = {
  redis: TestRedis;
  sim: SimulatorProcess;
  stack: Stack;
  stop(): Promise<void>;
};

export type RelayOptions = {
  workers?: number;
  simArgs?: string[];
  env?: Record<string, string>;
  /** Every output line of the relay's processes (the ingress and each worker). */
  onLine?: (service: string, line: string) => void;
};

/**
 * The whole relay as in production — a Redis, the ingress and `workers` worker processes —
 * against the simulator, which sends its signed webhooks back to the ingress.
 */
export async function startRelayWithSimulator(
  options: RelayOptions = {},
): Promise<RelayWithSimulator> {
  const redis = await startTestRedis();
  try {
    const started = await startOn({ redisUrl: redis.url, queuePrefix: redis.prefix }, options);
    return {
      redis,
      ...started,
      async stop() {
        await started.stop();
        await redis.stop();
      },
    };
  } catch (error) {
    await redis.stop();
    throw error;
  }
}

/**
 * The same on a Redis Cluster the caller started (and stops): the processes connect with
 * REDIS_CLUSTER_NODES and the `{relay}` prefix.
 */
export async function startRelayOnCluster(
  cluster: TestRedisCluster,
  options: RelayOptions = {},
): Promise<{ sim: SimulatorProcess; stack: Stack; stop(): Promise<void> }> {
  return startOn({ redisClusterNodes: cluster.seeds, queuePrefix: '{relay}' }, options);
}

async function startOn(
  redis: Pick<StackOptions, 'redisUrl' | 'redisClusterNodes' | 'queuePrefix'>,
  options: RelayOptions,
) {
  const ingressPort = await freePort();
  const sim = await startSimulator([
    '--webhook-url', `http://127.0.0.1:${ingressPort}/webhooks/intercom`,
    '--webhook-secret', E2E_WEBHOOK_SECRET,
    ...(options.simArgs ?? []),
  ]); // biome-ignore format: flag/value pairs
  let stack: Stack;
  try {
    stack = await startStack({
      ...redis,
      intercomUrl: sim.url,
      intercomToken: sim.token,
      webhookSecret: E2E_WEBHOOK_SECRET,
      crmToken: E2E_CRM_TOKEN,
      workers: options.workers ?? 1,
      env: { PORT: String(ingressPort), ...options.env },
      ...(options.onLine ? { onLine: options.onLine } : {}),
    });
  } catch (error) {
    await sim.stop();
    throw error;
  }
  return {
    sim,
    stack,
    async stop() {
      await stack.stop();
      await sim.stop();
    },
  };
}

/** The relay of a test file (useRelay): its Redis, the simulator and the processes. */
export type UsedRelay = Omit<RelayWithSimulator, 'stop'>;

/**
 * The whole relay against the simulator (startRelayWithSimulator) for the test file or the
 * `describe` it is called in: started in beforeAll with `options` (or what the function gives
 * then), stopped in afterAll. The handle's parts are valid inside hooks and tests.
 */
export function useRelay(
  options: RelayOptions | (() => RelayOptions) = {},
  timeoutMs = 60_000,
): UsedRelay {
  const current = heldForFile(
    'the relay',
    () => startRelayWithSimulator(typeof options === 'function' ? options() : options),
    (relay) => relay.stop(),
    timeoutMs,
  );
  return {
    get redis() {
      return current().redis;
    },
    get sim() {
      return current().sim;
    },
    get stack() {
      return current().stack;
    },
  };
}
