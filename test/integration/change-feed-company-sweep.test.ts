import { useRelay, waitFor } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { type FedChange, feedHelpers } from './feed-helpers.ts';

// Every notification lost (both attempts): only the company sweep (every second here, by
// scroll) can tell the CRM what changed in Intercom.
const relay = useRelay({
  env: { RECONCILE_EVERY_MS: '0', RECONCILE_COMPANIES_EVERY_MS: '1000' },
  simArgs: ['--webhook-drop-share', '1'],
});
const { changes } = feedHelpers(relay);

async function companyChange(
  companyId: string,
  found: (change: FedChange) => boolean,
): Promise<FedChange> {
  const feed = await waitFor(
    () => changes(),
    (answer) =>
      answer.changes.some((change) => change.data.intercom_id === companyId && found(change)),
    20_000,
  );
  return feed.changes.findLast(
    (change) => change.data.intercom_id === companyId && found(change),
  ) as FedChange;
}

describe('nothing missed: a company renamed in Intercom with its notifications lost', () => {
  it('reaches GET /v1/changes through the company sweep, as a reconciliation', async () => {
    const intercom = relay.sim.changes;
    const company = await intercom.upsertCompany({ company_id: 'acme', name: 'Acme', plan: 'pro' });
    const seen = await companyChange(company.id, (change) => change.data.version === 1);
    expect(seen.data).toMatchObject({ company_id: 'acme', source: 'reconciliation' });

    await intercom.editCompany(company.id, { name: 'Acme Corp' });
    const renamed = await companyChange(company.id, (change) => change.data.version === 2);
    expect(renamed).toMatchObject({
      type: 'company.updated',
      data: {
        object: 'company',
        company_id: 'acme',
        changed: ['name'],
        attributes: { name: 'Acme Corp', plan: 'pro' },
        source: 'reconciliation',
      },
    });
    expect((await relay.sim.webhooks()).lost).toBeGreaterThanOrEqual(2);

    // Later sweeps find nothing new: the rename is on the feed once.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const all = (await changes()).changes.filter(
      (change) => change.data.intercom_id === company.id,
    );
    expect(all.map((change) => change.data.version)).toEqual([1, 2]);
  });
});
