import type { TlsPair } from '@relay/config';
import { AppError } from '@relay/errors';
import type { IntercomClient, IntercomProbe } from '@relay/intercom';
import type { Producer } from '@relay/jobs/queue';
import type { ChangeLog, ContactDirectory, DataAttributeCatalog } from '@relay/sync';
import { type Logger, type Metrics, statusClass } from '@relay/telemetry';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { ErasureLog } from './erasure-log.ts';
import { parseJsonBody } from './lib/json-body.ts';
import { LazyChildLogger } from './lib/lazy-child-logger.ts';
import type { RequestLimiter } from './lib/request-limiter.ts';
import { registerBodyLimits } from './plugins/body-limits.ts';
import { bearerAuth } from './plugins/crm-auth.ts';
import { crmRateLimit } from './plugins/crm-rate-limit.ts';
import { registerEmptyBodies } from './plugins/empty-bodies.ts';
import { registerErrorHandler, sendError } from './plugins/error-handler.ts';
import { registerHealth } from './plugins/health.ts';
import { registerHttpMetrics } from './plugins/http-metrics.ts';
import { registerIntakeHeadroom } from './plugins/intake-headroom.ts';
import { type AdminDeps, adminRoutes } from './routes/admin/index.ts';
import { articleRoutes } from './routes/v1/articles.ts';
import { changeRoutes } from './routes/v1/changes.ts';
import { companyRoutes } from './routes/v1/companies.ts';
import { contactActionRoutes } from './routes/v1/contact-actions.ts';
import { contactReadRoutes } from './routes/v1/contact-read.ts';
import { contactRoutes } from './routes/v1/contacts.ts';
import { conversationRoutes } from './routes/v1/conversations.ts';
import { erasureRoutes } from './routes/v1/erasures.ts';
import { eventRoutes } from './routes/v1/events.ts';
import { jobRoutes } from './routes/v1/jobs.ts';
import { intercomWebhookRoutes } from './routes/webhooks/intercom.ts';

export type AppDeps = {
  producer: Producer;
  /** The GDPR erasure audit trail, for GET /v1/erasures. */
  erasureLog: ErasureLog;
  metrics: Metrics;
  logger: Logger;
  /** Current CRM bearer tokens (read per request, so a rotated file applies at once). */
  crmTokens: () => readonly string[];
  /** Current webhook client secrets. */
  webhookSecrets: () => readonly string[];
  intercomProbe?: IntercomProbe | undefined;
  /** REDIS_ACK_REPLICAS, for /readyz. */
  ackReplicas?: number | undefined;
  /** How the relay reaches Redis (REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES), for /readyz. */
  redisMode?: 'single' | 'sentinel' | 'cluster' | undefined;
  /** Read-through copies of Intercom contacts for GET /v1/contacts/:externalId. */
  contactCache?: ContactDirectory | undefined;
  /** Reads of Intercom for callers who wait (conversation lists), through the budget. */
  intercomReader?: IntercomClient | undefined;
  /** The workspace's custom attributes, to check CRM pushes against. */
  attributeCatalog?: DataAttributeCatalog | undefined;
  /** The change feed (Intercom → CRM), for GET /v1/changes. */
  changeLog?: ChangeLog | undefined;
  /** Queue operations and the admin token; without them there is no /admin at all (404). */
  admin?: AdminDeps | undefined;
  /** Requests per CRM token and window on /v1; without it there is no limit. */
  crmRequestLimiter?: RequestLimiter | undefined;
};

/** Node's server timeouts; tests shorten them, production keeps the defaults. */
type ServerTimeouts = {
  /** A request (headers and body) must arrive within this. @defaultValue 15000 */
  requestTimeoutMs: number;
  /** The headers must arrive within this. @defaultValue 10000 */
  headersTimeoutMs: number;
  /** How often Node looks for connections past those timeouts. @defaultValue 2000 */
  checkIntervalMs: number;
};

export type AppOptions = {
  timeouts?: Partial<ServerTimeouts> | undefined;
  /** A certificate and key: the server speaks HTTPS (lib/tls-reload.ts replaces them). */
  https?: TlsPair | undefined;
};

const DEFAULT_TIMEOUTS: ServerTimeouts = {
  requestTimeoutMs: 15_000,
  headersTimeoutMs: 10_000,
  // Node's default (30 s) would let a slowloris client hold a connection up to 40 s past a
  // 10 s headers timeout; the check walks the open connections, cheap at this rate.
  checkIntervalMs: 2_000,
};

/**
 * Builds the ingress without listening (tests use `app.inject()`). The ingress is thin:
 * authenticate, validate, enqueue, answer.
 */
export async function buildApp(deps: AppDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = createServer(deps.logger, options);

  registerErrorHandler(app);
  registerHttpMetrics(app, deps.metrics);
  registerHealth(app, deps);
  registerIntakeHeadroom(app, deps.producer);
  await app.register(intercomWebhookRoutes, {
    producer: deps.producer,
    metrics: deps.metrics,
    secrets: deps.webhookSecrets,
  });
  await app.register(async (v1) => {
    v1.addHook('onRequest', bearerAuth(deps.crmTokens, 'crm'));
    if (deps.crmRequestLimiter) v1.addHook('onRequest', crmRateLimit(deps.crmRequestLimiter));
    await v1.register(contactRoutes, {
      producer: deps.producer,
      attributeCatalog: deps.attributeCatalog,
    });
    await v1.register(companyRoutes, { producer: deps.producer });
    await v1.register(erasureRoutes, { producer: deps.producer, erasureLog: deps.erasureLog });
    await v1.register(contactReadRoutes, { contactCache: deps.contactCache });
    await v1.register(contactActionRoutes, { producer: deps.producer });
    await v1.register(articleRoutes, {
      producer: deps.producer,
      intercomReader: deps.intercomReader,
    });
    await v1.register(conversationRoutes, {
      producer: deps.producer,
      intercomReader: deps.intercomReader,
    });
    await v1.register(eventRoutes, { producer: deps.producer });
    await v1.register(jobRoutes, { producer: deps.producer });
    await v1.register(changeRoutes, { changeLog: deps.changeLog });
  });
  if (deps.admin) await app.register(adminRoutes, { ...deps.admin, prefix: '/admin' });
  return app;
}

/**
 * The public app and, when /admin has a listener of its own (ADMIN_PORT, kept internal), the
 * admin app; /admin is then absent from the public one.
 */
export async function buildApps(
  deps: AppDeps,
  options: AppOptions & { separateAdmin: boolean },
): Promise<{ app: FastifyInstance; adminApp?: FastifyInstance | undefined }> {
  if (!options.separateAdmin || !deps.admin) return { app: await buildApp(deps, options) };
  return {
    app: await buildApp({ ...deps, admin: undefined }, options),
    adminApp: await buildAdminApp({ ...deps, admin: deps.admin }, options),
  };
}

/** /admin alone, for its own listener. */
async function buildAdminApp(
  deps: Pick<AppDeps, 'logger' | 'metrics'> & { admin: AdminDeps },
  options: AppOptions = {},
): Promise<FastifyInstance> {
  const app = createServer(deps.logger, options);
  registerErrorHandler(app);
  // Timed as on the main app (plugins/http-metrics.ts), without a second /metrics.
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    deps.metrics.httpRequestDuration.observe(
      { route, status_class: statusClass(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  await app.register(adminRoutes, { ...deps.admin, prefix: '/admin' });
  return app;
}

const PATH_ERRORS: Partial<Record<string, string>> = {
  FST_ERR_BAD_URL: 'the request path is not valid (bad percent-encoding)',
  FST_ERR_MAX_PARAM_LENGTH: 'a part of the request path is longer than 1024 characters',
};

function createServer(logger: Logger, options: AppOptions): FastifyInstance {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (parent, bindings, childOptions) =>
      new LazyChildLogger(parent as Logger, bindings, childOptions),
    // Node's own server timeouts close slow clients (slowloris on headers or body). Fastify
    // copies its top-level requestTimeout (default 0: none) onto the server after creating
    // it, over the http option's value, so both must be set (test/security/slow-clients).
    requestTimeout: timeouts.requestTimeoutMs,
    http: {
      requestTimeout: timeouts.requestTimeoutMs,
      headersTimeout: timeouts.headersTimeoutMs,
      connectionsCheckingInterval: timeouts.checkIntervalMs,
    },
    ...(options.https ? { https: options.https } : {}),
    keepAliveTimeout: 65_000,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    return503OnClosing: true,
    // Path parameters carry CRM ids (up to 255 characters, up to 3 times that URL-encoded);
    // Fastify's default of 100 would refuse valid ones with a 414.
    routerOptions: { maxParamLength: 1_024 },
    // Errors the router raises before any hook runs (a bad URL, an over-long parameter) get
    // the same envelope as every other error; the message never repeats the path, which may
    // carry ids, emails or a pasted token.
    frameworkErrors: (error, _request, reply) => {
      sendError(
        reply,
        new AppError('PAYLOAD_INVALID', PATH_ERRORS[error.code] ?? 'the request path is not valid'),
      );
    },
  }) as unknown as FastifyInstance;
  registerBodyLimits(app);
  registerEmptyBodies(app);
  // JSON only: text/plain would reach the routes as a string and fail there as "must be object".
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    // An empty body is no body (plugins/empty-bodies.ts), not invalid JSON.
    if (body === '') return done(null, undefined);
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  return app;
}
