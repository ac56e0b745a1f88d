/**
 * @relay/telemetry — the pino logger (with redaction of secrets and personal data) and the
 * prom-client registry with every metric the relay exports. Not here: HTTP exposure of
 * /metrics (each app mounts it).
 */
export { createLogger, type Logger, type LoggerOptions, REDACTED_PATHS } from './logger.ts';
export { createMetrics, type Metrics, statusClass } from './metrics.ts';
export {
  histogramQuantile,
  type LabelFilter,
  parsePrometheusText,
  type Sample,
  sumBy,
  sumSamples,
} from './prom-text.ts';
export {
  createScrapeSample,
  SCRAPE_WAIT_MS,
  type ScrapeSample,
  type ScrapeSampleOptions,
} from './scrape-sample.ts';
export { seriesByLabels } from './series-cache.ts';
