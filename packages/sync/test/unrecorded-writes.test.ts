import { AppError } from '@relay/errors';
import {
  createCallGuard,
  createIntercomClient,
  type IntercomClient,
  type RateBudget,
} from '@relay/intercom';
import type { ContactInput } from '@relay/jobs';
import { useRedis, useSimulator } from '@relay/testkit';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createContactDirectory } from '../src/contacts/contact-directory.ts';
import { type ContactUpsertDeps, contactUpsert } from '../src/contacts/contact-upsert.ts';
import {
  type ContactState,
  createCompanyState,
  createContactState,
} from '../src/records/record-state.ts';
import type { RunContext as JobContext } from '../src/records/run-context.ts';

/**
 * Runs of one contact job interleaved by hand, step by step, against a real Redis and the
 * simulator over HTTP: a worker killed between a write reaching Intercom and the record of it
 * reaching Redis, then re-runs of the job put on hold (a 429, the rate budget) or not. What a
 * kill leaves behind is a run that never returns: it keeps the record's lock and records
 * nothing, as a SIGKILLed worker's run does.
 */
const redis = useRedis();
const sim = useSimulator();
let connection: Redis;
let contacts: ContactState;
let client: IntercomClient;

beforeAll(async () => {
  connection = new Redis(redis.url);
  contacts = createContactState(connection, redis.prefix);
  client = createIntercomClient({ baseUrl: sim.url, token: () => sim.token });
}, 30_000);

afterEach(async () => {
  await sim.control('DELETE', 'faults');
});

afterAll(() => {
  connection?.disconnect();
});

function deps(intercom: IntercomClient): ContactUpsertDeps {
  return {
    intercom,
    contacts,
    companies: createCompanyState(connection, redis.prefix),
    directory: createContactDirectory({ redis: connection, prefix: redis.prefix, contacts }),
  };
}

/** What the job runner tells a run; a re-run (after a kill or a hold) was started before. */
function run(jobId: string, { attempt = 1, startedBefore = true } = {}): JobContext {
  return { jobId, attempt, startedBefore };
}

function upsert(contact: ContactInput, intercom: IntercomClient, context: JobContext) {
  return contactUpsert({ contact, receivedAt: Date.now() }, deps(intercom), context);
}

/** A client whose calls go through `send` (the network, as the test wants it to behave). */
function clientOver(send: (request: Request) => Promise<Response>): IntercomClient {
  return createIntercomClient({
    baseUrl: sim.url,
    token: () => sim.token,
    fetch: (input, init) => send(new Request(input, init)),
  });
}

/** `method`'s call reaches Intercom, then the run's worker dies: the run never goes on. */
function diesAfter(method: 'createContact' | 'updateContact') {
  let landed: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    landed = resolve;
  });
  const dying = clientOver(async (request) => {
    const path = new URL(request.url).pathname;
    const isIt =
      method === 'createContact'
        ? request.method === 'POST' && path === '/contacts'
        : request.method === 'PUT' && path.startsWith('/contacts/');
    const response = await fetch(request);
    if (!isIt) return response;
    landed();
    return new Promise<Response>(() => {}); // killed: no answer is ever handled
  });
  return { client: dying, landed: done };
}

/** A 429 storm begins as the create meets an existing contact (409), before anything else. */
function stormAfterConflict(): IntercomClient {
  return clientOver(async (request) => {
    const isCreate = request.method === 'POST' && new URL(request.url).pathname === '/contacts';
    const response = await fetch(request);
    if (isCreate && response.status === 409) {
      await sim.control('POST', 'faults', { rateLimitedForMs: 60_000 });
    }
    return response;
  });
}

type Journal = { entries: { method: string; path: string; status: number }[] };

/** The contact as the simulator holds it, with how many writes it took. */
async function simContact(externalId: string) {
  const { contacts: all } = await sim.control<{
    contacts: {
      contact: { id: string; external_id: string | null; name: string };
      writes: number;
    }[];
  }>('GET', 'contacts');
  return all.find((entry) => entry.contact.external_id === externalId);
}

/** The calls Intercom answered for one contact id since `from` (an index in the journal). */
async function callsFor(id: string, from: number) {
  const { entries } = await sim.control<Journal>('GET', 'journal');
  return entries
    .slice(from)
    .filter((call) => call.path.includes(id))
    .map((call) => `${call.method} ${call.status}`);
}

async function journalLength() {
  return (await sim.control<Journal>('GET', 'journal')).entries.length;
}

describe('a write to Intercom whose outcome never reached Redis', () => {
  it('is looked for by every later run, also after a re-run put on hold released the record', async () => {
    const contact = { external_id: 'crm-held', name: 'Ada' };
    await contacts.storePending(contact);
    // Run 1: its create reaches Intercom, then its worker is killed.
    const killed = diesAfter('createContact');
    void upsert(contact, killed.client, run('job-1', { startedBefore: false }));
    await killed.landed;
    // Run 2 (BullMQ's re-run once the job's lock expired): its create meets the contact
    // (409) and it keeps the id; a 429 storm begins before it can look. A 429 holds the queue
    // and costs no attempt: the job goes back to waiting, and the run releases the record.
    await expect(upsert(contact, stormAfterConflict(), run('job-1'))).rejects.toMatchObject({
      code: 'INTERCOM_RATE_LIMITED',
    });
    await sim.control('DELETE', 'faults');
    // Run 3: attempt 1 still, the id known, the record free (no unfinished run holds it).
    const result = await upsert(contact, client, run('job-1'));
    const synced = await simContact('crm-held');
    expect(result).toEqual({ intercomId: synced?.contact.id, action: 'unchanged' });
    expect(synced?.writes).toBe(1); // the create only: no second write for the same change
  });

  it('is not taken for the last synced data: A, B (landed, unrecorded), A again ends at A', async () => {
    const a = { external_id: 'crm-aba', name: 'A' };
    const b = { external_id: 'crm-aba', name: 'B' };
    await contacts.storePending(a);
    expect(await upsert(a, client, run('job-a', { startedBefore: false }))).toMatchObject({
      action: 'created',
    });
    await contacts.storePending(b);
    const killed = diesAfter('updateContact');
    void upsert(b, killed.client, run('job-b', { startedBefore: false }));
    await killed.landed; // Intercom holds B; Redis still says A was synced last
    await contacts.storePending(a); // the CRM changes it back meanwhile
    // The re-run syncs the latest pending data, A: the same as last recorded, but not what
    // Intercom holds.
    expect(await upsert(b, client, run('job-b'))).toMatchObject({ action: 'updated' });
    expect((await simContact('crm-aba'))?.contact.name).toBe('A');
  });

  it.each([
    ['Intercom answers 429', 'intercom'],
    ['the rate budget refuses a permit', 'budget'],
  ] as const)(
    'costs no look when a run was held before it wrote anything: %s',
    async (_, holder) => {
      const first = { external_id: `crm-quiet-${holder}`, name: 'One' };
      const second = { ...first, name: 'Two' };
      await contacts.storePending(first);
      const created = await upsert(first, client, run(`job-1-${holder}`, { startedBefore: false }));
      await contacts.storePending(second);
      let held: IntercomClient = client;
      if (holder === 'intercom') {
        await sim.control('POST', 'faults', { rateLimitedForMs: 60_000 });
      } else {
        const refusing = {
          acquire: async () => ({ granted: false, waitMs: 100 }),
        } as unknown as RateBudget;
        held = createIntercomClient({
          baseUrl: sim.url,
          token: () => sim.token,
          observer: createCallGuard({ lane: 'sync', budget: refusing }),
        });
      }
      await expect(
        upsert(second, held, run(`job-2-${holder}`, { startedBefore: false })),
      ).rejects.toBeInstanceOf(AppError);
      await sim.control('DELETE', 'faults');
      const from = await journalLength();
      expect(await upsert(second, client, run(`job-2-${holder}`))).toMatchObject({
        action: 'updated',
      });
      expect(await callsFor(created.intercomId ?? '', from)).toEqual(['PUT 200']); // no GET first
    },
  );
});

describe('a write mark the replicas do not confirm (REDIS_ACK_REPLICAS)', () => {
  it('sends no write; the next run knows a write may have been begun, and the contact is made once', async () => {
    const contact = { external_id: 'crm-unconfirmed', name: 'Grace' };
    await contacts.storePending(contact);
    const before = await journalLength();
    const unconfirmed = async () => {
      throw new AppError('QUEUE_UNAVAILABLE', 'no replica confirmed the write mark');
    };
    await expect(
      contactUpsert(
        { contact, receivedAt: Date.now() },
        { ...deps(client), confirmMark: unconfirmed },
        run('job-unconfirmed', { startedBefore: false }),
      ),
    ).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
    // Nothing reached Intercom: the mark came first and was not confirmed.
    const { entries } = await sim.control<Journal>('GET', 'journal');
    expect(entries.slice(before).filter((call) => call.method !== 'GET')).toEqual([]);
    // The mark stays (whatever a failover leaves, the next run looks before it writes).
    let confirmed = 0;
    const result = await contactUpsert(
      { contact, receivedAt: Date.now() },
      {
        ...deps(client),
        confirmMark: async () => {
          confirmed += 1;
        },
      },
      run('job-unconfirmed'),
    );
    expect(result.action).toBe('created');
    expect(confirmed).toBe(1);
    expect((await simContact('crm-unconfirmed'))?.writes).toBe(1);
  });
});
