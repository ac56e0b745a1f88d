import { createIntercomProbe } from '@relay/intercom';
import { createProducer, createProducerConnection, waitUntilReady } from '@relay/jobs';
import { createLogger, createMetrics } from '@relay/telemetry';
import { buildApp } from './app.ts';
import { crmTokens, loadConfig } from './config.ts';
import { registerQueueGauges } from './queue-gauges.ts';

const config = loadConfig();
const logger = createLogger({ service: 'ingress', level: config.logLevel });
const metrics = createMetrics({ service: 'ingress' });
const connection = createProducerConnection(config.redisUrl);
connection.on('error', (err) =>
  logger.warn({ err: { message: err.message } }, 'redis connection error'),
);
if (!(await waitUntilReady(connection))) {
  logger.warn('redis is not reachable yet; answering 503 until it is');
}
const producer = createProducer({ connection, prefix: config.queuePrefix });
registerQueueGauges(metrics, producer);

const accessToken = config.intercomAccessToken;
const intercomProbe = accessToken
  ? createIntercomProbe({
      baseUrl: config.intercomApiBaseUrl,
      version: config.intercomApiVersion,
      token: () => accessToken.get(),
    })
  : undefined;

const app = await buildApp({
  producer,
  metrics,
  logger,
  crmTokens: () => crmTokens(config),
  webhookSecrets: () => [config.intercomClientSecret.get()],
  intercomProbe,
});

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  logger.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await app.close();
  await producer.close();
  connection.disconnect();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

const address = await app.listen({ host: config.host, port: config.port });
logger.info({ address }, 'ingress listening');
