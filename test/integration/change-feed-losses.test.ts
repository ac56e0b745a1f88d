import { useRelay, waitFor } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { type FedChange, feedHelpers } from './feed-helpers.ts';

// Notifications lost (both attempts) and delivered out of order, as Intercom may: the sweep
// (every second here) finds what no webhook told.
const relay = useRelay({
  env: { RECONCILE_EVERY_MS: '1000' },
  simArgs: ['--webhook-drop-share', '0.3', '--webhook-reorder-share', '0.1', '--random-seed', '7'],
});
const { changes, settled, workerCounter } = feedHelpers(relay);

describe('nothing missed: lost and reordered notifications', () => {
  it('every change reaches the feed with its final values, versions only growing', async () => {
    const intercom = relay.sim.changes;
    const leads: { id: string }[] = [];
    for (let index = 0; index < 30; index += 1) {
      leads.push(await intercom.createLead({ email: `l${index}@example.com`, name: `L${index}` }));
    }
    for (let round = 1; round <= 3; round += 1) {
      for (const lead of leads)
        await intercom.editContact(lead.id, { name: `${lead.id}-r${round}` });
      // Intercom's updated_at is in seconds: rounds a second apart keep their order.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
    }
    expect((await relay.sim.webhooks()).lost).toBeGreaterThan(0);

    const all: FedChange[] = [];
    await waitFor(
      async () => {
        await settled();
        const feed = await changes();
        all.splice(0, all.length, ...feed.changes);
        const latest = new Map<string, string>();
        for (const change of all)
          latest.set(change.data.intercom_id, String(change.data.attributes?.name));
        return leads.every((lead) => latest.get(lead.id) === `${lead.id}-r3`);
      },
      (done) => done,
      30_000,
    );
    const versions = new Map<string, number>();
    for (const change of all) {
      const before = versions.get(change.data.intercom_id) ?? 0;
      expect(change.data.version).toBeGreaterThan(before);
      versions.set(change.data.intercom_id, change.data.version ?? 0);
    }
    expect(all.some((change) => change.data.source === 'reconciliation')).toBe(true);
    expect(
      await workerCounter('relay_feed_changes_total', { source: 'reconciliation' }),
    ).toBeGreaterThan(0);
  });
});
