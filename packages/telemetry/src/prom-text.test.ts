import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.ts';
import { histogramQuantile, parsePrometheusText, sumBy, sumSamples } from './prom-text.ts';

describe('prom-text', () => {
  it('reads what our registry writes, sums across processes and interpolates quantiles', async () => {
    const a = createMetrics({ service: 'a', defaultMetrics: false });
    const b = createMetrics({ service: 'b', defaultMetrics: false });
    for (let i = 0; i < 90; i++)
      a.intercomRequestDuration.observe({ endpoint: '/contacts', method: 'POST' }, 0.02);
    for (let i = 0; i < 10; i++)
      b.intercomRequestDuration.observe({ endpoint: '/contacts', method: 'POST' }, 0.3);
    a.intercomRequests.inc(
      { endpoint: '/contacts', method: 'POST', status_class: '2xx', code: '200' },
      5,
    );
    b.intercomRequests.inc(
      { endpoint: '/contacts', method: 'POST', status_class: '4xx', code: '429' },
      2,
    );
    const samples = [
      ...parsePrometheusText(await a.registry.metrics()),
      ...parsePrometheusText(await b.registry.metrics()),
    ];
    expect(sumSamples(samples, 'intercom_requests_total')).toBe(7);
    expect(sumBy(samples, 'intercom_requests_total', 'code')).toEqual({ '200': 5, '429': 2 });
    // 90 in (0.01, 0.025], 10 in (0.25, 0.5]: the median is inside the first, P95 inside the second.
    expect(histogramQuantile(0.5, samples, 'intercom_request_duration_seconds')).toBeCloseTo(
      0.01 + 0.015 * (50 / 90),
    );
    expect(histogramQuantile(0.95, samples, 'intercom_request_duration_seconds')).toBeCloseTo(
      0.25 + 0.25 * 0.5,
    );
    expect(Number.isNaN(histogramQuantile(0.95, samples, 'nothing'))).toBe(true);
  });
});
