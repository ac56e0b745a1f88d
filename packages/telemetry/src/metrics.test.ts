import { describe, expect, it } from 'vitest';
import { createMetrics, statusClass } from './metrics.ts';

describe('createMetrics', () => {
  it('exports the metric names of the public interface', async () => {
    const metrics = createMetrics({ service: 'test', defaultMetrics: false });
    metrics.intercomRequests.inc({
      endpoint: '/contacts',
      method: 'POST',
      status_class: '2xx',
      code: '',
    });
    const text = await metrics.registry.metrics();
    for (const name of [
      'intercom_requests_total',
      'intercom_request_duration_seconds',
      'intercom_rate_limited_total',
      'intercom_rate_limit_remaining',
      'intercom_rate_limit_limit',
      'intercom_circuit_state',
      'relay_webhooks_total',
      'relay_http_request_duration_seconds',
      'relay_jobs_total',
      'relay_job_duration_seconds',
      'relay_queue_jobs',
      'relay_retention_trimmed_total',
    ]) {
      expect(text).toContain(`# TYPE ${name}`);
    }
  });

  it('keeps two registries apart', async () => {
    const a = createMetrics({ service: 'a', defaultMetrics: false });
    const b = createMetrics({ service: 'b', defaultMetrics: false });
    a.intercomRateLimited.inc();
    expect(await b.registry.getSingleMetricAsString('intercom_rate_limited_total')).toContain(
      'intercom_rate_limited_total{service="b"} 0',
    );
  });

  it('classes statuses', () => {
    expect(statusClass(429)).toBe('4xx');
    expect(statusClass(undefined)).toBe('error');
  });
});
