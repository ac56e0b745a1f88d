import { useRedis } from '@relay/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestApp } from './test-app.ts';

const redis = useRedis();
const t = useTestApp({ redis });
afterEach(async () => {
  await redis.client.config('SET', 'maxmemory', '0');
});

async function usedBytes(): Promise<number> {
  const info = await redis.client.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1]);
}

const ready = async () => {
  const response = await t().app.inject({ method: 'GET', url: '/readyz' });
  return { code: response.statusCode, body: response.json() };
};

describe('/readyz and Redis memory headroom', () => {
  it('is healthy with room to spare, and reports the use', async () => {
    await redis.client.config('SET', 'maxmemory', String((await usedBytes()) * 10));
    const { code, body } = await ready();
    expect(code).toBe(200);
    expect(body.status).toBe('healthy');
    expect(body.services.redis).toMatchObject({
      status: 'up',
      memory: { usedRatio: expect.any(Number) },
    });
    expect(body.services.redis.memory.usedRatio).toBeLessThan(0.2);
  });

  it('is degraded while Redis fills up (workers drain it), unhealthy when nearly full', async () => {
    await redis.client.config('SET', 'maxmemory', String(Math.ceil((await usedBytes()) / 0.85)));
    const filling = await ready();
    expect(filling.code).toBe(200);
    expect(filling.body).toMatchObject({
      status: 'degraded',
      services: { redis: { status: 'filling' } },
    });
    await redis.client.config('SET', 'maxmemory', String(await usedBytes()));
    const full = await ready();
    expect(full.code).toBe(503);
    expect(full.body).toMatchObject({
      status: 'unhealthy',
      services: { redis: { status: 'full' } },
    });
    const exposed = await t().metrics.registry.getSingleMetricAsString(
      'relay_redis_memory_used_ratio',
    );
    expect(
      Number(/relay_redis_memory_used_ratio\{[^}]*\} ([\d.]+)/.exec(exposed)?.[1]),
    ).toBeGreaterThan(0.95);
  });
});
