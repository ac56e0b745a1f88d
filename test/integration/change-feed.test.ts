import {
  E2E_CRM_TOKEN as CRM_TOKEN,
  type SimulatorProcess,
  type Stack,
  useRelay,
} from '@relay/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { feedHelpers } from './feed-helpers.ts';

const relay = useRelay({ env: { RECONCILE_EVERY_MS: '0' } });
let sim: SimulatorProcess;
let stack: Stack;

beforeAll(() => {
  ({ sim, stack } = relay);
});

const { crm, changes, settled, push, workerCounter } = feedHelpers(relay);

const ids = Array.from({ length: 20 }, (_, index) => `crm-feed-${index}`);

describe('the change feed over HTTP: simulator → webhooks → worker → GET /v1/changes', () => {
  it("records none of the CRM's own writes (creates, updates, companies): every one an echo", async () => {
    const created = await push(
      ids.map((id, index) => ({
        external_id: id,
        email: `${id}@example.com`,
        name: `Person ${index}`,
        companies: [{ company_id: 'acme', name: 'Acme' }],
      })),
    );
    const updated = await push(
      ids.map((id, index) => ({ external_id: id, name: `Person ${index} Jr` })),
    );
    expect([...created, ...updated].map((job) => job.state)).toEqual(Array(40).fill('completed'));
    await settled();
    expect((await changes()).changes).toEqual([]);
    expect(await workerCounter('relay_feed_echoes_total')).toBeGreaterThanOrEqual(40);
  });

  it('feeds a change another app makes in Intercom, once, with what changed', async () => {
    const contact = await sim.api<{ id: string }>(
      'GET',
      '/contacts/find_by_external_id/crm-feed-3',
    );
    await sim.api('PUT', `/contacts/${contact.id}`, {
      phone: '+4915112345678',
      custom_attributes: {},
    });
    await settled();
    const feed = await changes();
    expect(feed.changes).toHaveLength(1);
    expect(feed.changes[0]).toMatchObject({
      type: 'contact.updated',
      data: {
        object: 'contact',
        intercom_id: contact.id,
        external_id: 'crm-feed-3',
        changed: ['phone'],
        source: 'webhook',
        attributes: { phone: '+4915112345678', name: 'Person 3 Jr', companies: ['acme'] },
      },
    });
    // Read from its cursor: nothing more.
    expect((await changes(feed.next ?? undefined)).changes).toEqual([]);
  });

  it('answers 400 for a bad limit or cursor and 401 without the CRM token, on the wire', async () => {
    const url = `${stack.ingressUrl}/v1/changes`;
    const auth = { authorization: `Bearer ${CRM_TOKEN}` };
    const badLimit = await fetch(`${url}?limit=0`, { headers: auth });
    expect(badLimit.status).toBe(400);
    const errorOf = async (response: Response) =>
      ((await response.json()) as { error: { code: string; message: string } }).error;
    expect(await errorOf(badLimit)).toMatchObject({ code: 'PAYLOAD_INVALID' });
    const badCursor = await fetch(`${url}?after=yesterday`, { headers: auth });
    expect(badCursor.status).toBe(400);
    expect((await errorOf(badCursor)).message).toContain('after must be a cursor');
    expect((await fetch(url)).status).toBe(401);
  });

  it('erasure: the contact leaves the feed, and contact.erased says so with ids only', async () => {
    const erasure = await crm().call('DELETE', '/v1/contacts/crm-feed-3');
    expect((await crm().done(erasure.body.jobId)).state).toBe('completed');
    await settled();
    const feed = await changes();
    expect(feed.changes.map((change) => change.type)).toEqual(['contact.erased']);
    expect(feed.changes[0]?.data).toMatchObject({ external_id: 'crm-feed-3', source: 'erasure' });
    expect(JSON.stringify(feed)).not.toContain('+4915112345678');
  });
});
