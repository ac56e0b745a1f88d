import '@relay/config/v8-tuning';
import { configOrExit, readTlsPair } from '@relay/config';
import { createIntercomAccess, createIntercomProbe, createStatusPagePoller } from '@relay/intercom';
import { LANES } from '@relay/jobs';
import { createProducer, createQueueAdmin } from '@relay/jobs/queue';
import {
  connectRedis,
  createProducerConnection,
  createRedisOutageLog,
  createReplicaConfirm,
  waitUntilReady,
} from '@relay/jobs/redis';
import {
  createChangeLogReader,
  createContactDirectory,
  createContactState,
  createDataAttributeCatalog,
  createPushControl,
} from '@relay/sync';
import { createLogger, createMetrics } from '@relay/telemetry';
import { buildApps } from './app.ts';
import { crmTokens, loadConfig, webhookSecrets } from './config.ts';
import { createErasureLog } from './erasure-log.ts';
import { createRequestLimiter } from './lib/request-limiter.ts';
import { describeCertificate, type ReloadableServer, watchTlsFiles } from './lib/tls-reload.ts';
import { registerQueueGauges } from './queue-gauges.ts';

/** Reads for a caller who is waiting go before CRM pushes and backfills. */
const READ_LANE = 'webhook';
/** A read that lands in a window's last moments waits for the next one rather than failing. */
const READ_MAX_WAIT_MS = 1_000;

const config = configOrExit('ingress', () => loadConfig());
const logger = createLogger({ service: 'ingress', level: config.logLevel });
const metrics = createMetrics({ service: 'ingress', statusPage: config.intercomStatusUrl !== '' });
const connection = createProducerConnection(config.redis);
// Once when Redis becomes unreachable, then a line per 30 s, and once when it is back.
const redisOutage = createRedisOutageLog({ logger });
redisOutage.watch(connection);
if (!(await waitUntilReady(connection))) {
  logger.warn('redis is not reachable yet; answering 503 until it is');
}
// REDIS_ACK_REPLICAS: WAIT blocks the connection it runs on, so it has one of its own.
const confirmConnection =
  config.ackReplicas > 0 ? createProducerConnection(config.redis) : undefined;
if (confirmConnection) redisOutage.watch(confirmConnection);
const producer = createProducer({
  connection,
  prefix: config.queuePrefix,
  ...(confirmConnection
    ? {
        confirmReplicas: createReplicaConfirm({
          connection: confirmConnection,
          prefix: config.queuePrefix,
          replicas: config.ackReplicas,
          timeoutMs: config.ackTimeoutMs,
          observe: (outcome, seconds) =>
            metrics.replicaConfirm.labels({ outcome }).observe(seconds),
        }),
      }
    : {}),
});
registerQueueGauges(metrics, producer);

// With an Intercom token the ingress can answer /readyz about Intercom and read contacts
// through its cache; both take permits from the workers' rate budget.
const accessToken = config.intercom.accessToken;
const intercomAccess = accessToken
  ? createIntercomAccess({
      settings: { ...config.intercom, accessToken },
      redis: connection,
      prefix: config.queuePrefix,
      lanes: LANES,
      metrics,
      logger,
    })
  : undefined;
const intercomProbe =
  accessToken && intercomAccess
    ? createIntercomProbe({
        baseUrl: config.intercom.baseUrl,
        version: config.intercom.version,
        token: () => accessToken.get(),
        guard: intercomAccess.guardFor(READ_LANE),
        authHold: intercomAccess.authHold,
      })
    : undefined;
const intercomReader = intercomAccess?.clientFor(READ_LANE, { maxWaitMs: READ_MAX_WAIT_MS });
const attributeCatalog = createDataAttributeCatalog({
  redis: connection,
  prefix: config.queuePrefix,
  intercom: intercomReader,
});
// Its own connection: a subscriber hears of copies put or dropped by other processes.
const cacheSubscriber = connectRedis(config.redis, { maxRetriesPerRequest: null });
redisOutage.watch(cacheSubscriber);
const contactCache = createContactDirectory({
  subscriber: cacheSubscriber,
  redis: connection,
  prefix: config.queuePrefix,
  intercom: intercomReader,
  contacts: createContactState(connection, config.queuePrefix),
  freshMs: config.contactCacheFreshMs,
});

const statusPage = config.intercomStatusUrl
  ? createStatusPagePoller({
      url: config.intercomStatusUrl,
      intervalMs: config.intercomStatusPollMs,
      onReading: (reading, changed) => {
        metrics.statusPageOperational.set(
          reading.operational === null ? -1 : reading.operational ? 1 : 0,
        );
        if (!changed) return;
        const level = reading.operational === true ? 'info' : 'warn';
        logger[level]({ statusPage: reading }, 'intercom status page');
      },
    })
  : undefined;
void statusPage?.start();

const changeLog = createChangeLogReader(connection, config.queuePrefix);

// /admin exists only with ADMIN_TOKEN; with ADMIN_PORT it has a listener of its own.
const adminToken = config.adminToken;
const admin = adminToken
  ? {
      token: () => adminToken.get(),
      queues: createQueueAdmin({ connection, prefix: config.queuePrefix }),
      changeLog,
      feedRetentionMs: config.feedRetentionMs,
      push: createPushControl(connection, config.queuePrefix),
    }
  : undefined;
if (!admin) logger.info('admin API off: ADMIN_TOKEN is not set, /admin is not served');

// Per CRM token, shared by every ingress process; undefined when both limits are 0.
const crmRequestLimiter = createRequestLimiter({
  redis: connection,
  prefix: config.queuePrefix,
  limits: { perSecond: config.crmRateLimitPerSecond, perMinute: config.crmRateLimitPerMinute },
});

const tlsPair = config.tls ? readTlsPair(config.tls) : undefined;
const { app, adminApp } = await buildApps(
  {
    producer,
    erasureLog: createErasureLog(connection, config.queuePrefix),
    changeLog,
    metrics,
    logger,
    crmTokens: () => crmTokens(config),
    webhookSecrets: () => webhookSecrets(config),
    intercomProbe,
    ackReplicas: config.ackReplicas,
    redisMode: config.redis.mode,
    contactCache,
    attributeCatalog,
    intercomReader,
    admin,
    crmRequestLimiter,
  },
  { separateAdmin: config.adminPort !== undefined, https: tlsPair },
);
// With TLS_CERT_FILE/TLS_KEY_FILE both listeners speak HTTPS with the one certificate.
// Fastify types its server as http.Server; with the https option it is an https.Server.
const tlsServers = [
  app.server,
  ...(adminApp ? [adminApp.server] : []),
] as unknown as ReloadableServer[];
const stopTlsWatch = config.tls
  ? watchTlsFiles({ files: config.tls, servers: tlsServers, logger })
  : undefined;

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  logger.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  statusPage?.stop();
  stopTlsWatch?.();
  await app.close();
  await adminApp?.close();
  await admin?.queues.close();
  await producer.close();
  connection.disconnect();
  confirmConnection?.disconnect();
  cacheSubscriber.disconnect();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

const address = await app.listen({ host: config.host, port: config.port });
logger.info(
  config.tls && tlsPair
    ? { address, certFile: config.tls.certFile, ...describeCertificate(tlsPair.cert) }
    : { address },
  'ingress listening',
);
if (adminApp) {
  const adminAddress = await adminApp.listen({ host: config.adminHost, port: config.adminPort });
  logger.info({ address: adminAddress }, 'admin API listening');
} else if (admin) {
  logger.info({ address }, 'admin API on the main listener');
}
