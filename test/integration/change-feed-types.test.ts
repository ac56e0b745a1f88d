import { type SimChanges, useRelay } from '@relay/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FedChange, feedHelpers } from './feed-helpers.ts';

const relay = useRelay({
  env: { RECONCILE_EVERY_MS: '0', FEED_CRM_OWNED_FIELDS: 'custom_attributes.crm_score' },
});
const { changes, settled, push, workerCounter } = feedHelpers(relay);
let intercom: SimChanges;
let cursor: string | undefined;

beforeAll(() => {
  intercom = relay.sim.changes;
});

/** The changes recorded since the last call, once every notification was processed. */
async function newChanges(): Promise<FedChange[]> {
  await settled();
  const feed = await changes(cursor);
  cursor = feed.next ?? cursor;
  return feed.changes;
}

describe('each kind of change made in Intercom reaches the feed', () => {
  it('a Messenger lead: external_id null, then claimed by the CRM, then changes carry both ids', async () => {
    const lead = await intercom.createLead({ email: 'visitor@example.com', name: 'Vi' });
    const [created] = await newChanges();
    expect(created).toMatchObject({
      type: 'contact.created',
      data: { intercom_id: lead.id, external_id: null, version: 1, source: 'webhook' },
    });
    expect(created?.data.attributes).toMatchObject({ role: 'lead', email: 'visitor@example.com' });

    const [claim] = await push([{ external_id: 'crm-vi', intercom_id: lead.id, name: 'Vi Ola' }]);
    expect(claim).toMatchObject({ state: 'completed', result: { action: 'updated' } });
    expect(await newChanges()).toEqual([]); // the claim is the CRM's own write

    await intercom.editContact(lead.id, { email: 'vi@example.com' });
    const [edited] = await newChanges();
    expect(edited).toMatchObject({
      type: 'contact.updated',
      data: { intercom_id: lead.id, external_id: 'crm-vi', changed: ['email'], version: 2 },
    });
  });

  it('unsubscribing, tags (more than Intercom lists inline) and companies', async () => {
    const user = await intercom.createUser({ email: 'tagged@example.com', external_id: 'crm-t' });
    await newChanges();
    await intercom.editContact(user.id, { unsubscribed_from_emails: true });
    expect((await newChanges()).map((c) => c.data.changed)).toEqual([['unsubscribed_from_emails']]);
    for (let index = 0; index < 12; index += 1) await intercom.tag(user.id, `tag-${index}`);
    const tagged = await newChanges();
    expect(tagged.length).toBeGreaterThan(0);
    expect(tagged.at(-1)?.data.attributes?.tags).toHaveLength(12);
    await intercom.untag(user.id, 'tag-0');
    expect((await newChanges()).at(-1)?.data.attributes?.tags).not.toContain('tag-0');
    await intercom.upsertCompany({ company_id: 'globex', name: 'Globex' });
    await intercom.attachCompany(user.id, 'globex');
    const attached = await newChanges();
    expect(attached.map((c) => c.type)).toEqual(['company.created', 'contact.updated']);
    expect(attached[1]?.data).toMatchObject({
      changed: ['companies'],
      attributes: { companies: ['globex'] },
    });
  });

  it('archive, unarchive, merge and delete, with ids only where Intercom sends ids only', async () => {
    const user = await intercom.createUser({ email: 'keep@example.com', external_id: 'crm-keep' });
    const lead = await intercom.createLead({ email: 'lead2@example.com' });
    await newChanges();
    await intercom.archive(user.id);
    await intercom.unarchive(user.id);
    await intercom.merge(lead.id, user.id);
    const lifecycle = await newChanges();
    expect(lifecycle.map((c) => c.type)).toEqual(
      expect.arrayContaining(['contact.archived', 'contact.unarchived', 'contact.merged']),
    );
    const merged = lifecycle.find((c) => c.type === 'contact.merged');
    expect(merged?.data).toMatchObject({
      intercom_id: lead.id,
      merged_into: { intercom_id: user.id, external_id: 'crm-keep' },
    });
    expect(merged?.data).not.toHaveProperty('attributes');
    await intercom.deleteContact(user.id);
    const [deleted] = await newChanges();
    expect(deleted).toMatchObject({ type: 'contact.deleted', data: { intercom_id: user.id } });
  });

  it('companies renamed and deleted; a CRM-owned field changed in Intercom is a conflict', async () => {
    const company = await intercom.upsertCompany({ company_id: 'initech', name: 'Initech' });
    await intercom.editCompany(company.id, { name: 'Initrode', plan: 'gold' });
    const renamed = await newChanges();
    expect(renamed.at(-1)).toMatchObject({
      type: 'company.updated',
      data: { company_id: 'initech', changed: ['name', 'plan'], attributes: { name: 'Initrode' } },
    });
    await intercom.deleteCompany(company.id);
    expect((await newChanges()).map((c) => c.type)).toEqual(['company.deleted']);

    const user = await intercom.createUser({ email: 'owned@example.com', external_id: 'crm-o' });
    await newChanges();
    const before = await workerCounter('relay_feed_conflicts_total');
    await intercom.editContact(user.id, { custom_attributes: { crm_score: 7 } });
    expect(await newChanges()).toEqual([]);
    expect(await workerCounter('relay_feed_conflicts_total')).toBe(before + 1);
  });
});
