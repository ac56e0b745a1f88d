import { createMetrics } from '@relay/telemetry';
import { describe, expect, it } from 'vitest';
import { createInstrumentedFetch } from './instrumented-fetch.ts';

function answering(status: number, headers: Record<string, string> = {}): typeof fetch {
  return async () => new Response(status === 204 ? null : '{}', { status, headers });
}

describe('instrumented fetch', () => {
  it('counts calls by endpoint template, method, status class and code, with their latency', async () => {
    const metrics = createMetrics({ service: 't', defaultMetrics: false });
    const ok = createInstrumentedFetch(metrics, {}, answering(200));
    await ok('https://api.intercom.io/contacts/6762f0dd4a5b3c2e1f0a9b8c?x=1', { method: 'put' });
    await ok('https://api.intercom.io/contacts/abc1', { method: 'PUT' });
    await createInstrumentedFetch(
      metrics,
      {},
      answering(429),
    )('https://api.intercom.io/contacts', {
      method: 'POST',
    });
    const failing = createInstrumentedFetch(metrics, {}, async () => {
      throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    });
    await expect(failing('https://api.intercom.io/me')).rejects.toThrow('aborted');

    const requests = await metrics.registry.getSingleMetricAsString('intercom_requests_total');
    expect(requests).toContain(
      'intercom_requests_total{endpoint="/contacts/{id}",method="PUT",status_class="2xx",code="200",service="t"} 2',
    );
    expect(requests).toContain('endpoint="/contacts",method="POST",status_class="4xx",code="429"');
    expect(requests).toContain('endpoint="/me",method="GET",status_class="error",code="timeout"');
    expect(await metrics.registry.getSingleMetricAsString('intercom_rate_limited_total')).toMatch(
      / 1$/m,
    );
    expect(
      await metrics.registry.getSingleMetricAsString('intercom_request_duration_seconds'),
    ).toMatch(
      /intercom_request_duration_seconds_count\{[^}]*endpoint="\/contacts\/\{id\}",method="PUT"[^}]*\} 2/,
    );
  });

  it('passes X-RateLimit-* to the observer and the gauges', async () => {
    const metrics = createMetrics({ service: 't', defaultMetrics: false });
    const seen: number[] = [];
    const observed = createInstrumentedFetch(
      metrics,
      { onRateLimit: (snapshot) => void seen.push(snapshot.remaining) },
      answering(200, {
        'x-ratelimit-limit': '100',
        'x-ratelimit-remaining': '7',
        'x-ratelimit-reset': '1700000000',
      }),
    );
    await observed('https://api.intercom.io/me');
    expect(seen).toEqual([7]);
    expect(await metrics.registry.getSingleMetricAsString('intercom_rate_limit_remaining')).toMatch(
      / 7$/m,
    );
  });
});
