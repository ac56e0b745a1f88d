import { AppError, jobEffectOf } from '@relay/errors';
import { createIntercomClient } from '@relay/intercom';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import { useRedis, useSimulator } from '@relay/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { companiesReconcile } from '../src/companies/companies-reconcile.ts';
import { createReconcileMarks } from '../src/contacts/reconcile-marks.ts';
import { createFeed } from '../src/feed/feed.ts';
import { createCompanyState } from '../src/records/record-state.ts';

/**
 * The company sweep against the simulator (no webhook receiver: every notification is
 * unseen) through the real client, with real Redis: what changed in Intercom reaches the feed
 * once, as a reconciliation; what did not, never.
 */

const redis = useRedis();
const sim = useSimulator(['--clock-control']);
let connection: Redis;
let prefix: string;
let seq = 0;

beforeAll(async () => {
  connection = createProducerConnection(redis.url);
  await waitUntilReady(connection);
});
afterAll(() => connection?.disconnect());
beforeEach(async () => {
  seq += 1;
  prefix = `${redis.prefix}-cosweep${seq}`;
  await sim.control('POST', 'reset');
});

function sweeper() {
  const intercom = createIntercomClient({ baseUrl: sim.url, token: () => sim.token });
  const feed = createFeed({
    redis: connection,
    prefix,
    intercom,
    retentionMs: 86_400_000,
    crmOwnedFields: [],
  });
  const companies = createCompanyState(connection, prefix);
  const reconcileMarks = createReconcileMarks(connection, prefix);
  return {
    feed,
    companies,
    reconcileMarks,
    sweep: () => companiesReconcile({}, { intercom, companies, reconcileMarks, feed }),
    changes: async () => (await feed.log.read(undefined, 1_000)).changes,
  };
}

describe('companies.reconcile', () => {
  it('records what changed in Intercom unseen, once; nothing for what did not change', async () => {
    const { sweep, changes, companies } = sweeper();
    const acme = await sim.changes.upsertCompany({ company_id: 'acme', name: 'Acme', plan: 'pro' });
    const globex = await sim.changes.upsertCompany({ company_id: 'globex', name: 'Globex' });

    expect(await sweep()).toMatchObject({ seen: 2, compared: 2, changes: 2 });
    expect(await companies.intercomId('acme')).toBe(acme.id);
    expect(await connection.hget(`${prefix}:feed:company-ids`, globex.id)).toBe('globex');

    await sim.changes.editCompany(acme.id, { name: 'Acme Corp', custom_attributes: { tier: 2 } });
    expect(await sweep()).toMatchObject({ seen: 2, changes: 1 });
    const log = await changes();
    expect(log).toHaveLength(3);
    expect(log.at(-1)).toMatchObject({
      type: 'company.updated',
      data: {
        object: 'company',
        intercom_id: acme.id,
        company_id: 'acme',
        version: 2,
        changed: ['name', 'custom_attributes.tier'],
        attributes: { name: 'Acme Corp', plan: 'pro', custom_attributes: { tier: 2 } },
        source: 'reconciliation',
      },
    });

    expect(await sweep()).toMatchObject({ seen: 2, changes: 0 });
    expect(await changes()).toHaveLength(3);
  });

  it('maps every company but compares only those updated since the last sweep', async () => {
    const { sweep, changes, companies, reconcileMarks } = sweeper();
    // A company last updated two hours ago: before the first sweep's look-back.
    await sim.control('POST', 'clock', { advanceMs: -7_200_000 });
    const old = await sim.changes.upsertCompany({ company_id: 'old', name: 'Old' });
    await sim.control('POST', 'clock', { advanceMs: 7_200_000 });
    const fresh = await sim.changes.upsertCompany({ company_id: 'fresh', name: 'Fresh' });

    const result = await sweep();
    expect(result).toMatchObject({ seen: 2, compared: 1, changes: 1 });
    expect((await changes()).map((change) => change.data.intercom_id)).toEqual([fresh.id]);
    expect(await companies.intercomId('old')).toBe(old.id);
    expect(await connection.hget(`${prefix}:feed:company-ids`, old.id)).toBe('old');
    expect(await reconcileMarks.get('companies')).toBeGreaterThan(result.since);
  });

  it('is INTERCOM_SCROLL_BUSY, a deferral, while another scroll is open; the next run goes on', async () => {
    const { sweep, reconcileMarks } = sweeper();
    await sim.changes.upsertCompany({ company_id: 'initech', name: 'Initech' });
    // Another client of the same app opens a scroll (and leaves it open).
    const open = await sim.api<{ scroll_param: string }>('GET', '/companies/scroll');

    const error = await sweep().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('INTERCOM_SCROLL_BUSY');
    expect(jobEffectOf((error as AppError).code)).toMatchObject({
      onJob: 'defer',
      afterMs: 60_000,
    });
    expect(await reconcileMarks.get('companies')).toBeUndefined();

    await sim.api('GET', `/companies/scroll?scroll_param=${open.scroll_param}`); // its end
    expect(await sweep()).toMatchObject({ seen: 1, changes: 1 });
  });
});
