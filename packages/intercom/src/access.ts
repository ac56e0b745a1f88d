import { createHash } from 'node:crypto';
import type { EnvReader, Secret } from '@relay/config';
import type { Logger, Metrics } from '@relay/telemetry';
import type { Cluster, Redis } from 'ioredis';
import { createAuthHold } from './auth-hold/auth-hold.ts';
import { createRedisHoldStore } from './auth-hold/hold-store.ts';
import { createRateBudget } from './budget/rate-budget.ts';
import { createCallGuard } from './call-guard.ts';
import { type CircuitState, createCircuitBreaker } from './circuit-breaker.ts';
import { createIntercomClient, type IntercomClient } from './client.ts';
import { createIdleProbe } from './idle-probe.ts';

/**
 * How a process reaches Intercom, from the environment: host, version, token, timeout, the
 * shared rate budget and the circuit breaker. The worker and the ingress read the same names.
 */
export function readIntercomSettings(env: EnvReader, options: { tokenRequired: boolean }) {
  return {
    baseUrl: env.url('INTERCOM_API_BASE_URL', { default: 'https://api.intercom.io' }),
    version: env.string('INTERCOM_API_VERSION', { default: '2.14' }),
    accessToken: env.secret('INTERCOM_ACCESS_TOKEN', { required: options.tokenRequired }) as
      | Secret
      | undefined,
    /** Per-call timeout; the request is aborted when it passes (Intercom's own can be long). */
    timeoutMs: env.int('INTERCOM_TIMEOUT_MS', { default: 30_000, min: 100 }),
    /** Calls per window the app may make (Intercom: 10,000/min = 1,666 per 10 s window). */
    rateLimitPerWindow: env.int('INTERCOM_RATE_LIMIT_PER_10S', { default: 1_666, min: 1 }),
    /** Intercom's windows are 10 s; simulators may use shorter ones. */
    rateLimitWindowMs: env.int('INTERCOM_RATE_LIMIT_WINDOW_MS', { default: 10_000, min: 100 }),
    /** Share of each window left for other clients of the same app. */
    rateLimitHeadroomPercent: env.int('INTERCOM_RATE_LIMIT_HEADROOM_PERCENT', {
      default: 10,
      min: 0,
      max: 90,
    }),
    /** Names the budget; every process of one Intercom app must agree. Default: from the token. */
    appId: env.string('INTERCOM_APP_ID', { default: '' }),
    /** Set when several apps of one workspace run relays, to share the workspace limit. */
    workspaceId: env.string('INTERCOM_WORKSPACE_ID', { default: '' }),
    workspaceRateLimitPerWindow: env.int('INTERCOM_WORKSPACE_RATE_LIMIT_PER_10S', {
      default: 4_166,
      min: 1,
    }),
    /** How long the circuit stays open before a probe; doubles per failed probe up to 60 s. */
    circuitOpenMs: env.int('INTERCOM_CIRCUIT_OPEN_MS', { default: 5_000, min: 100 }),
  };
}

export type IntercomSettings = ReturnType<typeof readIntercomSettings>;

const CIRCUIT_STATE_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * The process's way to Intercom: one circuit breaker, the cluster's rate budget, and a client
 * per lane (the lane decides who goes first when the budget is short).
 */
export function createIntercomAccess(options: {
  settings: IntercomSettings & { accessToken: Secret };
  redis: Redis | Cluster;
  prefix: string;
  lanes: readonly string[];
  metrics: Metrics;
  logger: Logger;
}) {
  const { settings, metrics, logger } = options;
  const budget = createRateBudget({
    redis: options.redis,
    prefix: options.prefix,
    appId: settings.appId || tokenFingerprint(settings.accessToken.get()),
    workspaceId: settings.workspaceId || undefined,
    limitPerWindow: settings.rateLimitPerWindow,
    workspaceLimitPerWindow: settings.workspaceRateLimitPerWindow,
    windowMs: settings.rateLimitWindowMs,
    headroom: settings.rateLimitHeadroomPercent / 100,
    lanes: options.lanes,
  });
  const breaker = createCircuitBreaker({
    openMs: settings.circuitOpenMs,
    onStateChange: (state) => {
      metrics.intercomCircuitState.set(CIRCUIT_STATE_VALUE[state]);
      logger[state === 'open' ? 'warn' : 'info']({ state }, 'intercom circuit');
      if (state === 'closed') idleProbe.stop();
      else idleProbe.start();
    },
  });
  metrics.intercomCircuitState.set(0);
  const token = settings.accessToken;
  // After a 401 every process holds its calls until one with the token succeeds (a probe).
  const authHold = createAuthHold({
    token: () => token.get(),
    store: createRedisHoldStore({ redis: options.redis, prefix: options.prefix }),
    probe: () => holdProbeClient.me(),
    logger,
    onHeldChange: (held) => metrics.intercomAuthHeld.set(held ? 1 : 0),
  });
  metrics.intercomAuthHeld.set(0);
  const guardFor = (lane: string, guardOptions: { maxWaitMs?: number } = {}) =>
    createCallGuard({
      lane,
      budget,
      breaker,
      ...guardOptions,
      onBudgetError: (err) =>
        logger.warn({ err: { message: (err as Error).message } }, 'rate budget update failed'),
    });

  /** `probesAuthHold`: the client whose calls go out while calls are held, to end the hold. */
  const clientFor = (
    lane: string,
    guardOptions: { maxWaitMs?: number } = {},
    probesAuthHold = false,
  ): IntercomClient =>
    createIntercomClient({
      baseUrl: settings.baseUrl,
      version: settings.version,
      token: () => token.get(),
      timeoutMs: settings.timeoutMs,
      metrics,
      observer: guardFor(lane, guardOptions),
      authHold,
      probesAuthHold,
    });
  // The most urgent lane's permits: a probe is one light call that can unblock everything.
  const probeLane = options.lanes[0] ?? 'default';
  const probeClient = clientFor(probeLane);
  const holdProbeClient = clientFor(probeLane, {}, true);
  const idleProbe = createIdleProbe({ breaker, probe: () => probeClient.me() });

  return {
    budget,
    breaker,
    authHold,
    guardFor,
    clientFor,
    /** Stops the probes that run while the circuit is not closed or calls are held. */
    close() {
      idleProbe.stop();
      authHold.close();
    },
  };
}

export type IntercomAccess = ReturnType<typeof createIntercomAccess>;

/** Processes sharing a token share a budget without configuration; the token never reaches Redis. */
function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}
