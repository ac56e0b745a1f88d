import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContactState } from '@relay/sync';
import { E2E_CRM_TOKEN as CRM_TOKEN, useRelay, waitFor } from '@relay/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Search lags writes by ten minutes here, as Intercom's can; one contact exists from the
// start without any webhook ever having been sent for it.
let seedDir: string;
let seed: string;

beforeAll(() => {
  seedDir = mkdtempSync(join(tmpdir(), 'relay-seed-'));
  seed = join(seedDir, 'seed.json');
  writeFileSync(
    seed,
    JSON.stringify([{ external_id: 'crm-seeded', role: 'user', email: 'seeded@example.com' }]),
  );
});
afterAll(() => {
  rmSync(seedDir, { recursive: true, force: true });
});

const relay = useRelay(() => ({
  simArgs: ['--search-lag-ms', '600000', '--seed', seed],
  env: { RECONCILE_EVERY_MS: '3600000' }, // the first sweep runs at start
}));

async function push(contacts: unknown[]) {
  const response = await fetch(`${relay.stack.ingressUrl}/v1/contacts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CRM_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ contacts }),
  });
  return (await response.json()) as { accepted: { jobId: string }[] };
}

async function jobStatus(jobId: string) {
  const response = await fetch(`${relay.stack.ingressUrl}/v1/jobs/${jobId}`, {
    headers: { authorization: `Bearer ${CRM_TOKEN}` },
  });
  return (await response.json()) as { state: string; result?: { action?: string } };
}

describe('races Intercom sets up', () => {
  it('updates a contact made elsewhere moments ago (search cannot see it yet): no duplicate', async () => {
    const made = await relay.sim.api<{ id: string }>('POST', '/contacts', {
      role: 'user',
      external_id: 'crm-race',
      name: 'Made elsewhere',
    });
    const { accepted } = await push([{ external_id: 'crm-race', name: 'From the CRM' }]);
    const status = await waitFor(
      () => jobStatus(accepted[0]?.jobId ?? ''),
      (value) => value.state === 'completed' || value.state === 'failed',
      20_000,
    );
    expect(status).toMatchObject({ state: 'completed', result: { action: 'updated' } });
    const { contacts } = await relay.sim.contacts();
    const race = contacts.filter((entry) => entry.contact.external_id === 'crm-race');
    expect(race).toEqual([
      expect.objectContaining({
        contact: expect.objectContaining({ id: made.id, name: 'From the CRM' }),
      }),
    ]);
  });

  it('repairs a missed webhook: reconciliation maps a contact nobody told the relay about', async () => {
    const redis = new Redis(relay.redis.url);
    try {
      const contacts = createContactState(redis, relay.redis.prefix);
      const mapped = await waitFor(
        () => contacts.intercomId('crm-seeded'),
        (id) => id !== undefined,
        20_000,
      );
      const seeded = await relay.sim.api<{ id: string }>(
        'GET',
        '/contacts/find_by_external_id/crm-seeded',
      );
      expect(mapped).toBe(seeded.id);
    } finally {
      redis.disconnect();
    }
  });
});
