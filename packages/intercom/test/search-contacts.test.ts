import { createEnvReader, type Secret } from '@relay/config';
import { AppError } from '@relay/errors';
import { createLogger, createMetrics } from '@relay/telemetry';
import { type JournalEntry, useRedis, useSimulator } from '@relay/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { createIntercomAccess, readIntercomSettings } from '../src/access.ts';
import { createIntercomClient } from '../src/client.ts';
import type { SearchQuery } from '../src/client-types.ts';

/**
 * `searchContacts` against the simulator over HTTP through the real SDK: compound queries,
 * cursor pagination to the end, empty results, refused queries, and one permit per page.
 */

type Seed = { external_id: string; role: 'user' | 'lead'; email: string; plan: string };

/** Who matches: users whose email is at acme.test or whose plan is enterprise. */
const COMPOUND: SearchQuery = {
  operator: 'AND',
  value: [
    { field: 'role', operator: '=', value: 'user' },
    {
      operator: 'OR',
      value: [
        { field: 'email', operator: '~', value: '@acme.test' },
        { field: 'custom_attributes.plan', operator: '=', value: 'enterprise' },
      ],
    },
  ],
};

/** Users and leads, on acme.test or elsewhere, on each plan; some match both branches of the OR. */
function seedContacts(): Seed[] {
  const seeds: Seed[] = [];
  for (let n = 0; n < 48; n += 1) {
    const role = n % 4 === 3 ? 'lead' : 'user';
    const domain = n % 3 === 0 ? 'acme.test' : 'globex.test';
    const plan = n % 5 < 2 ? 'enterprise' : 'free';
    seeds.push({ external_id: `crm-${n}`, role, email: `person${n}@${domain}`, plan });
  }
  return seeds;
}

const seeds = seedContacts();
const expected = seeds
  .filter((s) => s.role === 'user' && (s.email.endsWith('@acme.test') || s.plan === 'enterprise'))
  .map((s) => s.external_id)
  .sort();

const sim = useSimulator();
const redis = useRedis();
const ids = new Map<string, string>(); // Intercom id → external_id

type SearchBody = { pagination?: { per_page?: number; starting_after?: string } };

/** A window of whole hours, now in its first half: the test never crosses into the next one. */
function earlyLongWindow(): number {
  for (let hours = 1; ; hours += 1) {
    const windowMs = hours * 3_600_000;
    if (Date.now() % windowMs < windowMs / 2) return windowMs;
  }
}

async function searchCalls(): Promise<JournalEntry<SearchBody>[]> {
  const entries = await sim.journal<SearchBody>();
  return entries.filter((entry) => entry.path === '/contacts/search');
}

function client() {
  return createIntercomClient({ baseUrl: sim.url, token: () => sim.token });
}

async function collect(iterator: AsyncIterable<{ id: string; external_id?: string | null }>) {
  const found: string[] = [];
  for await (const contact of iterator) found.push(contact.external_id ?? `(none: ${contact.id})`);
  return found;
}

beforeAll(async () => {
  for (const seed of seeds) {
    const created = await sim.api<{ id: string }>('POST', '/contacts', {
      role: seed.role,
      external_id: seed.external_id,
      email: seed.email,
      custom_attributes: { plan: seed.plan },
    });
    ids.set(created.id, seed.external_id);
  }
});

describe('searchContacts', () => {
  it('finds the users of an AND of a field and an OR group, each once, and no one else', async () => {
    // Sanity of the data set: both OR branches, their overlap and the excluded leads all occur.
    expect(expected.length).toBeGreaterThan(15);
    expect(seeds.some((s) => s.role === 'lead' && s.email.endsWith('@acme.test'))).toBe(true);
    expect(
      seeds.some(
        (s) => s.role === 'user' && s.email.endsWith('@acme.test') && s.plan === 'enterprise',
      ),
    ).toBe(true);

    const found = await collect(client().searchContacts(COMPOUND));
    expect([...found].sort()).toEqual(expected);
    expect(new Set(found).size).toBe(found.length);
  });

  it('walks every page with starting_after cursors until Intercom gives no next page', async () => {
    await sim.control('DELETE', 'journal');
    const found = await collect(client().searchContacts(COMPOUND, 4));
    expect([...found].sort()).toEqual(expected);
    expect(new Set(found).size).toBe(found.length);

    const calls = await searchCalls();
    expect(calls).toHaveLength(Math.ceil(expected.length / 4));
    expect(calls.every((call) => call.body.pagination?.per_page === 4)).toBe(true);
    expect(calls[0]?.body.pagination?.starting_after).toBeUndefined();
    const cursors = calls.slice(1).map((call) => call.body.pagination?.starting_after);
    expect(cursors.every((cursor) => typeof cursor === 'string' && cursor !== '')).toBe(true);
    expect(new Set(cursors).size).toBe(cursors.length);
  });

  it('yields the contacts as Intercom holds them, with their Intercom ids', async () => {
    const contacts = [];
    for await (const contact of client().searchContacts({
      field: 'external_id',
      operator: '=',
      value: 'crm-0',
    })) {
      contacts.push(contact);
    }
    expect(contacts).toHaveLength(1);
    expect(ids.get(contacts[0]?.id ?? '')).toBe('crm-0');
    expect(contacts[0]).toMatchObject({
      external_id: 'crm-0',
      role: 'user',
      email: 'person0@acme.test',
      custom_attributes: { plan: 'enterprise' },
    });
  });

  it('ends at once, after one call, when nothing matches', async () => {
    await sim.control('DELETE', 'journal');
    const found = await collect(
      client().searchContacts({
        operator: 'AND',
        value: [
          { field: 'role', operator: '=', value: 'lead' },
          { field: 'custom_attributes.plan', operator: '=', value: 'no-such-plan' },
        ],
      }),
    );
    expect(found).toEqual([]);
    expect(await searchCalls()).toHaveLength(1);
  });

  it.each<[string, SearchQuery]>([
    [
      'groups nested three levels deep',
      {
        operator: 'AND',
        value: [
          {
            operator: 'OR',
            value: [{ operator: 'AND', value: [{ field: 'role', operator: '=', value: 'user' }] }],
          },
        ],
      },
    ],
    [
      'sixteen filters in one group',
      {
        operator: 'OR',
        value: Array.from(
          { length: 16 },
          (_, n): SearchQuery => ({
            field: 'external_id',
            operator: '=',
            value: `crm-${n}`,
          }),
        ),
      },
    ],
  ])(
    'refuses %s with a typed, non-retryable error carrying the request id',
    async (_name, query) => {
      await sim.control('DELETE', 'journal');
      const iterator = client().searchContacts(query);
      const failure = await iterator.next().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(AppError);
      const [call] = await searchCalls();
      expect(call?.status).toBe(400);
      expect(failure).toMatchObject({
        code: 'INTERCOM_REJECTED',
        retryable: false,
        status: 400,
        requestId: call?.requestId,
        details: { intercomCode: 'parameter_invalid' },
      });
      expect((failure as AppError).requestId).toMatch(/\S/);
    },
  );

  it('takes a permit from the shared rate budget for every page, and stops when it is spent', async () => {
    const settings = readIntercomSettings(
      createEnvReader({
        INTERCOM_API_BASE_URL: sim.url,
        INTERCOM_ACCESS_TOKEN: sim.token,
        INTERCOM_RATE_LIMIT_PER_10S: '3',
        INTERCOM_RATE_LIMIT_WINDOW_MS: String(earlyLongWindow()),
        INTERCOM_RATE_LIMIT_HEADROOM_PERCENT: '0',
        INTERCOM_APP_ID: `search-budget-${Date.now()}`,
      }),
      { tokenRequired: true },
    );
    const metrics = createMetrics({ service: 'search-contacts-test' });
    const access = createIntercomAccess({
      settings: settings as typeof settings & { accessToken: Secret },
      redis: redis.client,
      prefix: redis.prefix,
      lanes: ['backfill'],
      metrics,
      logger: createLogger({ service: 'search-contacts-test', level: 'silent' }),
    });
    try {
      expect((await access.budget.state()).used).toBe(0);
      await sim.control('DELETE', 'journal');
      const found: string[] = [];
      let failure: unknown;
      try {
        for await (const contact of access.clientFor('backfill').searchContacts(COMPOUND, 4)) {
          found.push(contact.external_id ?? '');
        }
      } catch (error) {
        failure = error;
      }
      expect(found).toHaveLength(12); // three pages of four, one permit each
      expect(failure).toBeInstanceOf(AppError);
      expect(failure).toMatchObject({ code: 'INTERCOM_RATE_LIMITED', retryable: true });
      expect((failure as AppError).retryAfterMs).toBeGreaterThan(0);
      expect(await searchCalls()).toHaveLength(3);
      expect((await access.budget.state()).used).toBe(3);
    } finally {
      access.close();
    }
  });
});
