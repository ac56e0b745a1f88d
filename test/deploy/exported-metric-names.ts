import { createMetrics } from '@relay/telemetry';

/** Series Prometheus makes itself, which queries may name besides the relay's own. */
const PROMETHEUS_SERIES = ['up', 'ALERTS'];

/**
 * Every series name the relay's processes export: the registry createMetrics builds (the
 * relay's metrics and Node's default process metrics), with the _bucket/_sum/_count series
 * of histograms and summaries, plus the series Prometheus adds.
 */
export async function exportedSeriesNames(): Promise<Set<string>> {
  const { registry } = createMetrics({ service: 'test', statusPage: true });
  const names = new Set(PROMETHEUS_SERIES);
  for (const metric of await registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram') {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
    }
    if (String(metric.type) === 'summary') {
      for (const suffix of ['_sum', '_count']) names.add(`${metric.name}${suffix}`);
    }
  }
  return names;
}
