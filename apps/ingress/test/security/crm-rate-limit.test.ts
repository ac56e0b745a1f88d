import { createHash } from 'node:crypto';
import {
  hasRedisServerBinary,
  notificationFixture,
  signWebhook,
  startRedisCluster,
  useRedis,
} from '@relay/testkit';
import type { InjectOptions } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createRequestLimiter, type RequestLimits } from '../../src/lib/request-limiter.ts';
import {
  ADMIN_TOKEN,
  buildTestApp,
  CRM_TOKEN,
  OTHER_CRM_TOKEN,
  type TestApp,
  WEBHOOK_SECRET,
  WHOLE_INGRESS,
} from '../test-app.ts';
import { expectClearAnswer } from './answers.ts';

const redis = useRedis();
const apps: TestApp[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
});

/** An app with its own key prefix (so its counters start at 0), or one sharing `prefix`. */
async function appWith(limits: RequestLimits, prefix = redis.uniquePrefix()) {
  const app = await buildTestApp({ url: redis.url, prefix }, { ...WHOLE_INGRESS, limits });
  apps.push(app);
  return { app, prefix };
}

/** Waits, if need be, so that the next `needMs` fall in one window of Redis's clock. */
async function freshWindow(app: TestApp, lengthMs: number, needMs: number) {
  const [seconds, micros] = await app.connection.time();
  const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  const left = lengthMs - (nowMs % lengthMs);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 20));
}

const crm = (token = CRM_TOKEN, url = '/v1/erasures'): InjectOptions => ({
  method: 'GET',
  url,
  headers: { authorization: `Bearer ${token}` },
});

describe('the CRM request limit', () => {
  it('answers 429 RATE_LIMITED with Retry-After past the limit, for that token only', async () => {
    const { app: t } = await appWith({ perSecond: 0, perMinute: 5 });
    await freshWindow(t, 60_000, 3_000);
    const push = {
      method: 'POST' as const,
      url: '/v1/contacts',
      payload: { contacts: [{ external_id: 'limited-1' }] },
      headers: { authorization: `Bearer ${CRM_TOKEN}` },
    };
    const statuses = [];
    for (const request of [
      push,
      crm(),
      crm(CRM_TOKEN, '/v1/jobs/contact-0000000000000000-nope'),
      push,
      crm(),
    ]) {
      statuses.push((await t.app.inject(request)).statusCode);
    }
    expect(statuses).toEqual([202, 200, 404, 202, 200]);

    for (const request of [push, crm(), crm(CRM_TOKEN, '/v1/jobs/contact-0000000000000000-nope')]) {
      const refused = await t.app.inject(request);
      expectClearAnswer(refused, 'over the limit');
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error).toMatchObject({
        code: 'RATE_LIMITED',
        details: { limit: 5, window: 'minute' },
      });
      const retryAfter = Number(refused.headers['retry-after']);
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    }

    // Another token is another client; a wrong token is refused by auth, not counted.
    expect((await t.app.inject(crm(OTHER_CRM_TOKEN))).statusCode).toBe(200);
    expect((await t.app.inject(crm('not-a-token'))).statusCode).toBe(401);
  });

  it('does not limit Intercom webhooks, /admin, health or metrics', async () => {
    const { app: t } = await appWith({ perSecond: 0, perMinute: 1 });
    await t.app.inject(crm());
    expect((await t.app.inject(crm())).statusCode).toBe(429);
    for (let i = 0; i < 20; i++) {
      const text = JSON.stringify(notificationFixture());
      const webhook = await t.app.inject({
        method: 'POST',
        url: '/webhooks/intercom',
        payload: text,
        headers: {
          'content-type': 'application/json',
          'x-hub-signature': signWebhook(text, WEBHOOK_SECRET),
          authorization: `Bearer ${CRM_TOKEN}`,
        },
      });
      expect(webhook.statusCode).toBe(200);
    }
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    for (const url of ['/healthz', '/readyz', '/metrics', '/admin/queues', '/admin/queues']) {
      expect((await t.app.inject({ method: 'GET', url, headers: admin })).statusCode).toBe(200);
    }
  });

  it('is one budget across ingress processes, counted atomically (exactly the limit gets through)', async () => {
    const first = await appWith({ perSecond: 0, perMinute: 40 });
    const second = await appWith({ perSecond: 0, perMinute: 40 }, first.prefix);
    await freshWindow(first.app, 60_000, 3_000);
    const answers = await Promise.all(
      Array.from({ length: 120 }, (_, i) => (i % 2 ? first : second).app.app.inject(crm())),
    );
    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses.filter((status) => status === 200)).toHaveLength(40);
    expect(statuses.filter((status) => status === 429)).toHaveLength(80);
  });

  it('counts per second too, and admits again after Retry-After', async () => {
    const { app: t } = await appWith({ perSecond: 3, perMinute: 0 });
    let statuses: number[] = [];
    let retryAfter = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      await freshWindow(t, 1_000, 900);
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: 5 }, () => t.app.inject(crm())));
      statuses = answers.map((answer) => answer.statusCode).sort();
      retryAfter = String(
        answers.find((answer) => answer.statusCode === 429)?.headers['retry-after'],
      );
      if (Date.now() - started < 800) break; // else the burst may have spanned two windows
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(retryAfter).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await t.app.inject(crm())).statusCode).toBe(200);
  });

  it('keeps only a hash of the token in Redis, under the queue prefix (one Cluster shard)', async () => {
    const { app: t, prefix } = await appWith({ perSecond: 10, perMinute: 100 });
    await t.app.inject(crm());
    const keys = await t.connection.keys(`*request-limit*`);
    const mine = keys.filter((key) => key.startsWith(prefix));
    const hash = createHash('sha256').update(CRM_TOKEN).digest('hex').slice(0, 32);
    expect(mine.sort()).toEqual([
      `${prefix}:request-limit:${hash}:minute`,
      `${prefix}:request-limit:${hash}:second`,
    ]);
    expect(JSON.stringify(keys)).not.toContain(CRM_TOKEN);
    for (const key of mine)
      expect(JSON.stringify(await t.connection.hgetall(key))).not.toContain(CRM_TOKEN);
  });
});

describe('when Redis is down', () => {
  const down = useRedis({ server: true });
  it('lets requests through the limiter: a push answers 503 QUEUE_UNAVAILABLE, not 429 or 500', async () => {
    const t = await buildTestApp(
      { url: down.url, prefix: '{down}' },
      { ...WHOLE_INGRESS, limits: { perSecond: 1, perMinute: 1 } },
    );
    try {
      await down.server.kill();
      for (let i = 0; i < 3; i++) {
        const push = await t.app.inject({
          method: 'POST',
          url: '/v1/contacts',
          payload: { contacts: [{ external_id: `down-${i}` }] },
          headers: { authorization: `Bearer ${CRM_TOKEN}` },
        });
        expect(push.statusCode).toBe(503);
        expect(push.json().error.code).toBe('QUEUE_UNAVAILABLE');
      }
      expect(t.logs.text()).toContain('request limit not checked');
    } finally {
      await t.close();
    }
  });
});

// A cluster needs local redis-server processes (scripts/bootstrap.sh installs them); Redis from
// REDIS_URL or a container cannot make one, so the case is skipped, and says so, without it.
const canRunCluster = hasRedisServerBinary();
if (!canRunCluster)
  console.warn('request limit on a cluster skipped: redis-server is not installed');

describe.skipIf(!canRunCluster)('on a Redis Cluster', () => {
  it('counts in one step on one shard (no CROSSSLOT), per token', { timeout: 60_000 }, async () => {
    const cluster = await startRedisCluster(3);
    const client = cluster.connect();
    try {
      const limiter = createRequestLimiter({
        redis: client,
        prefix: '{relay}',
        limits: { perSecond: 100, perMinute: 3 },
      });
      const decisions = [];
      for (let i = 0; i < 4; i++)
        decisions.push(await limiter?.take(`cluster-token-${process.pid}`));
      expect(decisions.map((decision) => decision?.allowed)).toEqual([true, true, true, false]);
      expect(decisions.slice(0, 3).every((decision) => decision?.allowed && decision.checked)).toBe(
        true,
      );
    } finally {
      client.disconnect();
      await cluster.stop();
    }
  });
});

describe('configuration', () => {
  const required = { INTERCOM_CLIENT_SECRET: 'secret', CRM_API_TOKENS: 'crm-token' };
  it('defaults to 6,000 a minute and no per-second limit; 0 turns a limit off; negatives stop the boot', () => {
    expect(loadConfig(required)).toMatchObject({
      crmRateLimitPerMinute: 6_000,
      crmRateLimitPerSecond: 0,
    });
    expect(
      loadConfig({ ...required, CRM_RATE_LIMIT_PER_MINUTE: '0', CRM_RATE_LIMIT_PER_SECOND: '50' }),
    ).toMatchObject({ crmRateLimitPerMinute: 0, crmRateLimitPerSecond: 50 });
    expect(() => loadConfig({ ...required, CRM_RATE_LIMIT_PER_MINUTE: '-1' })).toThrow(
      /CRM_RATE_LIMIT_PER_MINUTE must be at least 0/,
    );
    expect(() => loadConfig({ ...required, CRM_RATE_LIMIT_PER_SECOND: 'lots' })).toThrow(
      /CRM_RATE_LIMIT_PER_SECOND must be a whole number/,
    );
  });
});
