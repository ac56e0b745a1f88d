import '@relay/config/v8-tuning';
import { configOrExit } from '@relay/config';
import { createLogger, createMetrics } from '@relay/telemetry';
import { loadConfig } from './config.ts';
import { startMetricsServer } from './metrics-server.ts';
import { createWorkerRuntime } from './runtime.ts';

const config = configOrExit('worker', () => loadConfig());
const logger = createLogger({ service: 'worker', level: config.logLevel });
const metrics = createMetrics({ service: 'worker' });
const runtime = createWorkerRuntime({ config, logger, metrics });
const metricsServer = await startMetricsServer(metrics, config.host, config.metricsPort);
const address = metricsServer.address();
logger.info(
  { metricsPort: typeof address === 'object' && address ? address.port : null },
  'metrics listening',
);
runtime.start();

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down');
  // A last resort if Redis is gone and closing hangs: exit anyway; running jobs come back as stalled.
  setTimeout(() => process.exit(1), config.shutdownGraceMs + 5_000).unref();
  await runtime.close();
  metricsServer.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
