import { useRedis } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { useTestApp } from './test-app.ts';

const redis = useRedis({ server: true });
const t = useTestApp({ redis, prefix: '{relay}', redisMode: 'sentinel' });

const readyz = () => t().app.inject({ method: 'GET', url: '/readyz' });

describe('/readyz behind Sentinel (or in a cluster)', () => {
  it('names the primary holding the queues and its replicas', async () => {
    const ready = await readyz();
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'healthy',
      services: {
        redis: {
          status: 'up',
          mode: 'sentinel',
          primary: `127.0.0.1:${redis.server.port}`,
          replicas: { linked: 0, confirming: 0, required: 0 },
        },
      },
    });
  });

  it('reads Redis not answering, soon after it did, as a failover in progress: degraded, not down', async () => {
    await redis.server.kill();
    const ready = await readyz();
    expect(ready.statusCode).toBe(200);
    const body = ready.json();
    expect(body).toMatchObject({
      status: 'degraded',
      services: { redis: { status: 'reconnecting', mode: 'sentinel', primary: null } },
    });
    expect(body.services.redis.downForMs).toBeGreaterThanOrEqual(0);
    expect(body.services.redis.downForMs).toBeLessThan(60_000);

    await redis.server.restart();
    let status = '';
    for (let i = 0; i < 50 && status !== 'healthy'; i += 1) {
      status = (await readyz()).json().status;
      if (status !== 'healthy') await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe('healthy');
  });
});
