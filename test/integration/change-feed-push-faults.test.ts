import { type SimulatorProcess, useRelay, waitFor } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmReceiver, startCrmReceiver } from './crm-receiver.ts';
import { feedHelpers } from './feed-helpers.ts';

const SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
const ADMIN_TOKEN = 'push-faults-admin';

const receiver: CrmReceiver = await startCrmReceiver([SECRET]);
// Where a redirect points: it must never be reached.
const elsewhere: CrmReceiver = await startCrmReceiver([SECRET]);
const relay = useRelay({
  workers: 2,
  env: {
    RECONCILE_EVERY_MS: '0',
    ADMIN_TOKEN,
    CRM_WEBHOOK_URL: receiver.url,
    CRM_WEBHOOK_SECRET: SECRET,
    CRM_WEBHOOK_RETRY_SCHEDULE: '1s,1s,1s',
    CRM_WEBHOOK_TIMEOUT_MS: '2000',
  },
});
let sim: SimulatorProcess;
beforeAll(() => {
  sim = relay.sim;
});
afterAll(async () => {
  await receiver.close();
  await elsewhere.close();
});

const { workerCounter } = feedHelpers(relay);
const deliveredOf = (intercomId: string) =>
  receiver.received.filter((got) => got.change.data.intercom_id === intercomId);
const okOf = (intercomId: string) =>
  deliveredOf(intercomId).filter((got) => got.status >= 200 && got.status < 300);
const admin = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${relay.stack.ingressUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as AdminAnswer };
};
type AdminAnswer = { total?: number; deadLetters?: unknown[]; replayed?: number };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the push to the CRM when the CRM misbehaves (two worker processes)', () => {
  it('does not follow a redirect: the change goes to the configured URL only, and is retried', async () => {
    const lead = await sim.changes.createLead({ name: 'Redirected' });
    let redirected = 0;
    receiver.answerWith((got) => {
      if (got.change.data.intercom_id === lead.id && redirected === 0) {
        redirected += 1;
        return { status: 307, headers: { location: elsewhere.url } };
      }
      return { status: 204 };
    });
    await waitFor(
      async () => okOf(lead.id),
      (got) => got.length === 1,
      20_000,
    );
    expect(deliveredOf(lead.id).map((got) => got.status)).toEqual([307, 204]);
    expect(elsewhere.received).toEqual([]);
  });

  it('after the last attempt the delivery is a dead letter; replaying it delivers the change', async () => {
    const lead = await sim.changes.createLead({ name: 'Dead letter' });
    receiver.answerWith((got) =>
      got.change.data.intercom_id === lead.id ? { status: 500 } : { status: 204 },
    );
    const dead = await waitFor(
      () => admin('GET', '/admin/dead-letters?lane=crm'),
      (answer) => answer.body.total === 1,
      30_000,
    );
    expect(deliveredOf(lead.id).map((got) => got.status)).toEqual([500, 500, 500, 500]);
    expect(JSON.stringify(dead.body.deadLetters?.[0])).toContain('CRM_ENDPOINT_FAILED');
    receiver.answerWith(() => ({ status: 204 }));
    const replay = await admin('POST', '/admin/dead-letters/replay', { lane: 'crm' });
    expect(replay.body).toMatchObject({ lane: 'crm', replayed: 1 });
    await waitFor(
      async () => okOf(lead.id),
      (got) => got.length === 1,
      20_000,
    );
    expect(okOf(lead.id)[0]?.id).toBe(deliveredOf(lead.id)[0]?.id);
  });

  it('while the CRM is down, the circuit holds deliveries: no change spends its attempts', async () => {
    const deadBefore = await workerCounter('relay_crm_deliveries_total', { outcome: 'dead' });
    receiver.answerWith(() => ({ status: 503 }));
    const leads: { id: string }[] = [];
    for (let i = 0; i < 8; i += 1) leads.push(await sim.changes.createLead({ name: `Down ${i}` }));
    // Four attempts, a second apart, would have made every one a dead letter in 3 s.
    await sleep(12_000);
    expect(await workerCounter('relay_crm_deliveries_total', { outcome: 'dead' })).toBe(deadBefore);
    const refused = receiver.received.filter((got) => got.status === 503);
    const tried = new Set(refused.map((got) => got.id));
    expect(tried.size).toBeLessThanOrEqual(8);
    // Without the circuit: 4 attempts each, 32 refused in 3 s. With it: at most one attempt
    // per change before it opened, then one probe at a time (after 5 s, then 10 s later).
    expect(refused.length, refused.map((got) => got.id).join(' ')).toBeLessThanOrEqual(
      tried.size + 3,
    );
    receiver.answerWith(() => ({ status: 204 }));
    await waitFor(
      async () => leads.filter((lead) => okOf(lead.id).length === 1),
      (delivered) => delivered.length === leads.length,
      60_000,
    );
    expect(await workerCounter('relay_crm_deliveries_total', { outcome: 'dead' })).toBe(deadBefore);
  }, 90_000);

  it('keeps each record in order when a worker is SIGKILLed mid-delivery', async () => {
    const leads: { id: string }[] = [];
    for (let i = 0; i < 6; i += 1)
      leads.push(await sim.changes.createLead({ name: `Kill 0 ${i}` }));
    await sleep(1_100); // each edit a second after the last state (updated_at is in seconds)
    // The CRM is slow: each answer takes up to 300 ms, so deliveries are in flight when the kill comes.
    receiver.answerWith(async () => {
      await sleep(Math.random() * 300);
      return { status: 204 };
    });
    for (let v = 1; v <= 4; v += 1) {
      for (const [i, lead] of leads.entries()) {
        await sim.changes.editContact(lead.id, { name: `Kill ${v} ${i}` });
      }
      if (v === 2) await relay.stack.workers[0]?.kill('SIGKILL');
      await sleep(1_100);
    }
    const finalName = (lead: { id: string }) => `Kill 4 ${leads.indexOf(lead)}`;
    const delivered = await waitFor(
      async () =>
        leads.filter((lead) =>
          okOf(lead.id).some(
            (got) => (got.change.data.attributes as { name?: string }).name === finalName(lead),
          ),
        ),
      (done) => done.length === leads.length,
      60_000,
    );
    expect(delivered).toHaveLength(leads.length);
    for (const lead of leads) {
      const versions = deliveredOf(lead.id).map((got) => got.change.data.version ?? 0);
      for (let i = 1; i < versions.length; i += 1) {
        expect(versions[i], `${lead.id}: ${versions.join(',')}`).toBeGreaterThanOrEqual(
          versions[i - 1] as number,
        );
      }
      // The last delivery is the record's last state, at its highest version.
      expect(okOf(lead.id).at(-1)?.change.data).toMatchObject({
        version: Math.max(...versions),
        attributes: { name: finalName(lead) },
      });
    }
  }, 120_000);
});
