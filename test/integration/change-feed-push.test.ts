import { createPushControl } from '@relay/sync';
import { type SimulatorProcess, useRelay, waitFor } from '@relay/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmReceiver, startCrmReceiver } from './crm-receiver.ts';

// Standard Webhooks secrets (whsec_ + base64 of 32 bytes); the relay signs with both during a rotation.
const NEW_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const OLD_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

const OTHER_SECRET = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const receiver: CrmReceiver = await startCrmReceiver([NEW_SECRET, OLD_SECRET, OTHER_SECRET]);
const relay = useRelay({
  env: {
    RECONCILE_EVERY_MS: '0',
    CRM_WEBHOOK_URL: receiver.url,
    CRM_WEBHOOK_SECRET: `${NEW_SECRET},${OLD_SECRET}`,
    CRM_WEBHOOK_RETRY_SCHEDULE: '1s,1s,1s',
    CRM_WEBHOOK_TIMEOUT_MS: '2000',
  },
});
let sim: SimulatorProcess;
let redis: Redis;

beforeAll(() => {
  sim = relay.sim;
  redis = new Redis(relay.redis.url);
});
afterAll(async () => {
  redis.disconnect();
  await receiver.close();
});

const control = () => createPushControl(redis, relay.redis.prefix);
const deliveredOf = (intercomId: string) =>
  receiver.received.filter((got) => got.change.data.intercom_id === intercomId);

describe('the change feed pushed to the CRM (Standard Webhooks) over HTTP', () => {
  it('delivers a change signed with both secrets of a rotation; webhook-id is the change id', async () => {
    const lead = await sim.changes.createLead({ name: 'Ada', email: 'ada@example.com' });
    await waitFor(
      async () => deliveredOf(lead.id),
      (got) => got.length === 1,
      20_000,
    );
    const [got] = deliveredOf(lead.id);
    // Each secret of the rotation verifies on its own (the CRM may hold either); another does not.
    expect(got?.verified).toEqual([true, true, false]);
    expect(got?.change).toMatchObject({
      type: 'contact.created',
      data: { object: 'contact', intercom_id: lead.id, external_id: null, version: 1 },
    });
    expect(got?.id).toBe(got?.change.data.id);
    expect(got?.id).toMatch(/^chg_\d+-\d+$/);
  });

  it('keeps a record in order and coalesces a backlog: the CRM gets the latest state once', async () => {
    const lead = await sim.changes.createLead({ name: 'Bo v0' });
    await waitFor(
      async () => deliveredOf(lead.id),
      (got) => got.length === 1,
      20_000,
    );
    // The CRM is down while five edits happen: answers 503.
    receiver.answerWith(() => ({ status: 503 }));
    for (let v = 1; v <= 5; v += 1) {
      await sim.changes.editContact(lead.id, { name: `Bo v${v}` });
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // one state per second
    }
    receiver.answerWith(() => ({ status: 204 }));
    await waitFor(
      async () => deliveredOf(lead.id).filter((got) => got.change.data.version === 6),
      (got) => got.length >= 1,
      30_000,
    );
    const versions = deliveredOf(lead.id).map((got) => got.change.data.version ?? 0);
    // Never a version after a newer one.
    for (let i = 1; i < versions.length; i += 1) {
      expect(versions[i]).toBeGreaterThanOrEqual(versions[i - 1] as number);
    }
    const latest = deliveredOf(lead.id).at(-1);
    expect(latest?.change.data).toMatchObject({ version: 6, attributes: { name: 'Bo v5' } });
    expect(latest?.change.data.changed).toContain('name');
  }, 60_000);

  it('honours Retry-After: the next attempt waits as long as the CRM asked', async () => {
    const lead = await sim.changes.createLead({ name: 'Cy' });
    let refused = 0;
    receiver.answerWith((got) => {
      if (got.change.data.intercom_id === lead.id && refused === 0) {
        refused += 1;
        return { status: 429, headers: { 'retry-after': '3' } };
      }
      return { status: 204 };
    });
    await waitFor(
      async () => deliveredOf(lead.id),
      (got) => got.length === 2,
      20_000,
    );
    const [first, second] = deliveredOf(lead.id);
    expect(second?.id).toBe(first?.id); // the same change, the same id
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(2_900);
    receiver.answerWith(() => ({ status: 204 }));
  });

  it('410 disables the endpoint; nothing is sent until it is enabled, then the change goes', async () => {
    const lead = await sim.changes.createLead({ name: 'Di' });
    receiver.answerWith(() => ({ status: 410 }));
    await waitFor(
      async () => control().state(),
      (state) => state === 2,
      20_000,
    );
    const sentWhileGone = receiver.received.length;
    receiver.answerWith(() => ({ status: 204 }));
    await sim.changes.editContact(lead.id, { name: 'Di v2' });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(receiver.received.length).toBe(sentWhileGone);
    await control().enable();
    await waitFor(
      async () => deliveredOf(lead.id).filter((got) => got.change.data.version === 2),
      (got) => got.length === 1,
      60_000,
    );
    expect(await control().state()).toBe(0);
  }, 90_000);
});
