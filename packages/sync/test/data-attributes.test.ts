import { createIntercomClient } from '@relay/intercom';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import { useRedis, useSimulator } from '@relay/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataAttributeCatalog } from '../src/contacts/data-attributes.ts';

const redis = useRedis();
const sim = useSimulator();
let connection: Redis;

beforeAll(async () => {
  connection = createProducerConnection(redis.url);
  await waitUntilReady(connection);
  await sim.api('POST', '/data_attributes', {
    name: 'plan',
    model: 'contact',
    data_type: 'string',
  });
});
afterAll(() => {
  connection?.disconnect();
});

describe('the data-attribute catalog', () => {
  it('loads the list once for a whole batch checked at once', async () => {
    const catalog = createDataAttributeCatalog({
      redis: connection,
      prefix: redis.prefix,
      intercom: createIntercomClient({ baseUrl: sim.url, token: () => sim.token }),
    });
    await sim.control('DELETE', 'journal');
    const checks = await Promise.all(
      Array.from({ length: 200 }, () => catalog.check({ plan: 'pro' })),
    );
    expect(checks.every((check) => check.ok)).toBe(true);
    const { entries } = await sim.control<{ entries: { path: string }[] }>('GET', 'journal');
    expect(entries.filter((entry) => entry.path.startsWith('/data_attributes'))).toHaveLength(1);
  });

  it("reads names like constructor or toString as unknown attributes, not as Object's own", async () => {
    const catalog = createDataAttributeCatalog({
      redis: connection,
      prefix: `${redis.prefix}:own`,
      intercom: createIntercomClient({ baseUrl: sim.url, token: () => sim.token }),
    });
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const check = await catalog.check(JSON.parse(`{"${name}": "x"}`));
      expect(check).toMatchObject({ ok: false, attribute: name });
      expect(check.ok ? '' : check.message).toMatch(/is not a custom data attribute/);
    }
  });
});
