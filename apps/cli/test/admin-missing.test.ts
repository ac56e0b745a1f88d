import { join } from 'node:path';
import { freePort, type NodeProcess, REPO_ROOT, startNodeProcess, useRedis } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.ts';

// The ingress as "Running it" once started it: without ADMIN_TOKEN, so without /admin.
const redis = useRedis();
let ingress: NodeProcess<string>;

beforeAll(async () => {
  const port = String(await freePort());
  ingress = await startNodeProcess<string>({
    script: join(REPO_ROOT, 'apps/ingress/src/main.ts'),
    env: {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      INTERCOM_CLIENT_SECRET: 'secret',
      CRM_API_TOKENS: 'crm-token',
      INTERCOM_STATUS_URL: '',
      ADMIN_TOKEN: '',
      HOST: '127.0.0.1',
      PORT: port,
    },
    readyUrl: `http://127.0.0.1:${port}/healthz`,
  });
}, 30_000);

afterAll(async () => {
  await ingress?.stop();
});

describe('relay queues against an ingress without ADMIN_TOKEN', () => {
  it('says the ingress has no admin API and what turns it on, instead of a bare 404', async () => {
    const result = await runCli(['queues', 'list'], {
      RELAY_URL: ingress.ready,
      ADMIN_TOKEN: 'admin-token-the-ingress-lacks',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^relay: no admin API at http:\/\/127\.0\.0\.1:\d+ \(404 ROUTE_NOT_FOUND: no route for GET \/admin\/queues\): the ingress serves \/admin only when its ADMIN_TOKEN \(or ADMIN_TOKEN_FILE\) is set, and with ADMIN_PORT only on that port; set ADMIN_TOKEN on the ingress, or point ADMIN_URL \(--admin-url\) at its admin listener$/m,
    );
  });
});
