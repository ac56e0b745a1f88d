import { freePort } from './free-port.ts';
import { startTestRedis, type TestRedis } from './redis.ts';
import { type SimulatorProcess, startSimulator } from './simulator.ts';
import { type Stack, startStack } from './stack.ts';

export const E2E_CRM_TOKEN = 'crm-e2e-token';
export const E2E_WEBHOOK_SECRET = 'e2e-webhook-secret';

export type RelayWithSimulator = {
  redis: TestRedis;
  sim: SimulatorProcess;
  stack: Stack;
  stop(): Promise<void>;
};

/**
 * The whole relay as in production — a Redis, the ingress and `workers` worker processes —
 * against the simulator, which sends its signed webhooks back to the ingress.
 */
export async function startRelayWithSimulator(
  options: {
    workers?: number;
    simArgs?: string[];
    env?: Record<string, string>;
    /** Every output line of the relay's processes (the ingress and each worker). */
    onLine?: (service: string, line: string) => void;
  } = {},
): Promise<RelayWithSimulator> {
  const redis = await startTestRedis();
  const ingressPort = await freePort();
  const sim = await startSimulator([
    '--webhook-url', `http://127.0.0.1:${ingressPort}/webhooks/intercom`,
    '--webhook-secret', E2E_WEBHOOK_SECRET,
    ...(options.simArgs ?? []),
  ]); // biome-ignore format: flag/value pairs
  const stack = await startStack({
    redisUrl: redis.url,
    queuePrefix: redis.prefix,
    intercomUrl: sim.url,
    intercomToken: sim.token,
    webhookSecret: E2E_WEBHOOK_SECRET,
    crmToken: E2E_CRM_TOKEN,
    workers: options.workers ?? 1,
    env: { PORT: String(ingressPort), ...options.env },
    ...(options.onLine ? { onLine: options.onLine } : {}),
  });
  return {
    redis,
    sim,
    stack,
    async stop() {
      await stack.stop();
      await sim.stop();
      await redis.stop();
    },
  };
}
