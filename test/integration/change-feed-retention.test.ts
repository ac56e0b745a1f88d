import { useRelay } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { feedHelpers } from './feed-helpers.ts';

// Changes kept for 1.5 s only: a reader who fell behind gets 410, one who kept up does not.
const relay = useRelay({ env: { RECONCILE_EVERY_MS: '0', FEED_RETENTION_MS: '1500' } });
const { crm, changes, settled } = feedHelpers(relay);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('GET /v1/changes past the retention', () => {
  it('answers 410 FEED_CURSOR_EXPIRED to a cursor whose next changes were dropped', async () => {
    const first = await relay.sim.changes.createLead({ email: 'r1@example.com' });
    await settled();
    const { changes: seen, next: caughtUp } = await changes();
    expect(seen.map((change) => change.data.intercom_id)).toEqual([first.id]);
    const behind = '1-0'; // a reader who never read

    await pause(1_700);
    // A reader who saw everything keeps its cursor, however long the feed was quiet.
    expect((await changes(caughtUp ?? undefined)).changes).toEqual([]);
    const second = await relay.sim.changes.createLead({ email: 'r2@example.com' });
    await settled();
    // Recording the second dropped the first (older than the retention).
    const after = await changes(caughtUp ?? undefined);
    expect(after.changes.map((change) => change.data.intercom_id)).toEqual([second.id]);
    const expired = await crm().call('GET', `/v1/changes?after=${behind}`);
    expect(expired.status).toBe(410);
    expect(expired.body.error).toMatchObject({ code: 'FEED_CURSOR_EXPIRED' });
    expect(expired.body.error.message).toContain('read the feed again without a cursor');
  });
});
