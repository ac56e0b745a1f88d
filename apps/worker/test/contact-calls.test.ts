import { syncKeyHash } from '@relay/jobs';
import { waitFor } from '@relay/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerHarness } from './worker-harness.ts';

let harness: Awaited<ReturnType<typeof startWorkerHarness>> | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

type Contact = { id: string; external_id: string | null; name: string | null };

async function jobResult(jobId: string | undefined) {
  const job = await harness?.syncQueue.getJob(jobId ?? '');
  return { state: await job?.getState(), value: job?.returnvalue, attempts: job?.attemptsMade };
}

/** The harness of the running test. */
const current = () => harness as NonNullable<typeof harness>;

const BUDGET_OF_TEN_PER_2S = {
  INTERCOM_RATE_LIMIT_PER_10S: '10',
  INTERCOM_RATE_LIMIT_WINDOW_MS: '2000',
  INTERCOM_RATE_LIMIT_HEADROOM_PERCENT: '0',
};

/** A contact made in Intercom only; the journal starts after it. */
async function madeInIntercomOnly(externalId: string) {
  const { sim } = current();
  const contact = await sim.api<Contact>('POST', '/contacts', {
    external_id: externalId,
    name: 'Before',
  });
  await sim.control('DELETE', 'journal');
  return contact;
}

async function pushName(externalId: string, name: string) {
  const [result] = await current().producer.enqueueContactUpserts([
    { external_id: externalId, name },
  ]);
  return result?.ok ? result.jobId : undefined;
}

/** Waits for the first tenth of a budget window, so the test's steps all fall in one. */
async function nearWindowStart(windowMs: number) {
  const into = Date.now() % windowMs;
  if (into > windowMs / 10) await new Promise((resolve) => setTimeout(resolve, windowMs - into));
}

/**
 * The job was held at least once, and made Intercom's 409, one look (whose contact it is:
 * Intercom also matches by email) and one update: nothing else.
 */
async function expectThreeCalls(jobId: string | undefined, intercomId: string) {
  const { syncQueue, sim } = current();
  const job = await syncQueue.getJob(jobId ?? '');
  expect(job?.attemptsStarted).toBeGreaterThan(1);
  expect(job?.returnvalue).toEqual({ intercomId, action: 'updated' });
  const journal = await sim.control<{
    entries: { method: string; path: string; status: number }[];
  }>('GET', 'journal');
  expect(journal.entries.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
    'POST /contacts 409',
    `GET /contacts/${intercomId} 200`,
    `PUT /contacts/${intercomId} 200`,
  ]);
}

describe('contact.upsert makes as few calls as the result needs', () => {
  it('takes the id from a 409 when the contact exists only in Intercom, then updates it', async () => {
    harness = await startWorkerHarness();
    const existing = await harness.sim.api<Contact>('POST', '/contacts', {
      external_id: 'crm-409',
      name: 'Before',
    });
    const before = await harness.simCalls();
    const [result] = await harness.producer.enqueueContactUpserts([
      { external_id: 'crm-409', name: 'After' },
    ]);
    await harness.drained();
    expect(await jobResult(result?.ok ? result.jobId : undefined)).toMatchObject({
      state: 'completed',
      value: { intercomId: existing.id, action: 'updated' },
    });
    expect((await harness.simCalls()) - before).toBe(3); // create → 409, look (whose?), update
    expect(await harness.simContacts()).toMatchObject([{ id: existing.id, name: 'After' }]);
  });

  it('makes the same three calls when the rate budget holds the job before its create', async () => {
    // The window's budget is spent when the job starts: it waits for the next window, runs
    // again and meets the 409. The hold adds no call (BullMQ's start count once made it look
    // twice, and a flaky count at a window's end).
    harness = await startWorkerHarness([], BUDGET_OF_TEN_PER_2S);
    const existing = await madeInIntercomOnly('crm-held-first');
    await nearWindowStart(2_000);
    while ((await harness.runtime.budget.acquire('erasure')).granted) {} // spend the window
    const jobId = await pushName('crm-held-first', 'After');
    await harness.drained();
    await expectThreeCalls(jobId, existing.id);
  });

  it('makes the same three calls when the rate budget holds the job between its calls', async () => {
    // One call per window: each call waits for the next window and the job runs again. The
    // run after the 409 looks at the contact it named instead of creating again, and the run
    // after the look knows the id and that nothing was written: no second look.
    harness = await startWorkerHarness([], {
      ...BUDGET_OF_TEN_PER_2S,
      INTERCOM_RATE_LIMIT_PER_10S: '1',
    });
    const existing = await madeInIntercomOnly('crm-held-between');
    const jobId = await pushName('crm-held-between', 'After');
    await harness.drained(40_000); // a window for each of the three calls
    await expectThreeCalls(jobId, existing.id);
  }, 60_000);

  it('unarchives an archived contact before updating it', async () => {
    harness = await startWorkerHarness();
    const existing = await harness.sim.api<Contact>('POST', '/contacts', {
      external_id: 'crm-archived',
      name: 'Before',
    });
    await harness.sim.api('POST', `/contacts/${existing.id}/archive`);
    await harness.producer.enqueueContactUpserts([{ external_id: 'crm-archived', name: 'Back' }]);
    await harness.drained();
    const [entry] = (
      await harness.sim.control<{ contacts: { contact: Contact; archived: boolean }[] }>(
        'GET',
        'contacts',
      )
    ).contacts;
    expect(entry).toMatchObject({ archived: false, contact: { id: existing.id, name: 'Back' } });
  });

  it('updates a known contact in one call, and makes no call for data already synced', async () => {
    harness = await startWorkerHarness();
    await harness.producer.enqueueContactUpserts([{ external_id: 'crm-map', name: 'One' }]);
    await harness.drained();
    const afterCreate = await harness.simCalls();

    const [changed] = await harness.producer.enqueueContactUpserts([
      { external_id: 'crm-map', name: 'Two' },
    ]);
    await harness.drained();
    expect((await harness.simCalls()) - afterCreate).toBe(1);
    expect((await jobResult(changed?.ok ? changed.jobId : undefined)).value).toMatchObject({
      action: 'updated',
    });

    const [same] = await harness.producer.enqueueContactUpserts([
      { external_id: 'crm-map', name: 'Two' },
    ]);
    await harness.drained();
    expect((await harness.simCalls()) - afterCreate).toBe(1);
    expect((await jobResult(same?.ok ? same.jobId : undefined)).value).toMatchObject({
      action: 'unchanged',
    });
  });

  it('creates again when a known contact was deleted in Intercom', async () => {
    harness = await startWorkerHarness();
    await harness.producer.enqueueContactUpserts([{ external_id: 'crm-gone', name: 'One' }]);
    await harness.drained();
    const [first] = await harness.simContacts();
    await harness.sim.api('DELETE', `/contacts/${first?.id}`);
    await harness.producer.enqueueContactUpserts([{ external_id: 'crm-gone', name: 'Two' }]);
    await harness.drained();
    const contacts = await harness.simContacts();
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ external_id: 'crm-gone', name: 'Two' });
    expect(contacts[0]?.id).not.toBe(first?.id);
  });

  it('coalesces updates queued for one contact into one call with the latest data', async () => {
    harness = await startWorkerHarness([], {}, { autostart: false });
    const results = [];
    for (const name of ['v1', 'v2', 'v3', 'v4', 'v5']) {
      results.push(
        ...(await harness.producer.enqueueContactUpserts([{ external_id: 'crm-c', name }])),
      );
    }
    const jobIds = new Set(results.map((result) => (result.ok ? result.jobId : 'rejected')));
    expect(jobIds.size).toBe(1); // every push points at the one job that carries it
    harness.runtime.start();
    await harness.drained();
    expect(await harness.simCalls()).toBe(1);
    expect(await harness.simContacts()).toMatchObject([{ external_id: 'crm-c', name: 'v5' }]);
  });

  it('never runs two jobs of one contact at once: pushes during a run make one follow-up', async () => {
    harness = await startWorkerHarness(['--latency-ms', '400']);
    const [first] = await harness.producer.enqueueContactUpserts([
      { external_id: 'crm-s', name: 'v1' },
    ]);
    const firstId = first?.ok ? first.jobId : '';
    await waitFor(
      async () => (await harness?.syncQueue.getJob(firstId))?.getState(),
      (state) => state === 'active',
      5_000,
    );
    // Active in the queue is not yet running: the job has read what it syncs once it holds
    // the record's lock. Pushes before that would ride along in its one call.
    const redis = harness.connection;
    const lock = `${harness.prefix}:contact-lock:${syncKeyHash('crm-s')}`;
    await waitFor(
      () => redis.exists(lock),
      (held) => held === 1,
      5_000,
    );
    const during = [];
    for (const name of ['v2', 'v3', 'v4']) {
      during.push(
        ...(await harness.producer.enqueueContactUpserts([{ external_id: 'crm-s', name }])),
      );
    }
    await harness.drained();
    const journal = await harness.sim.control<{ entries: { method: string; path: string }[] }>(
      'GET',
      'journal',
    );
    const writes = journal.entries.filter((entry) => entry.path.startsWith('/contacts'));
    // One create and one follow-up update. Under load the first run can lose its record lock
    // before its call (a state command timed out) and run again, reading the latest data: then
    // the one create carries it and no update follows. Never a second create, never two updates.
    const methods = writes.map((entry) => entry.method);
    expect(methods[0]).toBe('POST');
    expect(methods.slice(1).every((method) => method === 'PUT')).toBe(true);
    expect(methods.length).toBeLessThanOrEqual(2);
    expect(await harness.simContacts()).toMatchObject([{ external_id: 'crm-s', name: 'v4' }]);
  });
});
