import { AppError } from '@relay/errors';
import { useSimulator } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { createIntercomClient } from '../src/client.ts';

/**
 * `scrollCompanies` against the simulator over HTTP through the real SDK: every company, one
 * call per page, and a refused scroll mapped to what the job must do.
 */

const sim = useSimulator(['--clock-control']);
const client = () => createIntercomClient({ baseUrl: sim.url, token: () => sim.token });

async function errorOf(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const list: T[] = [];
  for await (const item of items) list.push(item);
  return list;
}

describe('scrollCompanies', () => {
  it('yields every company, one call per page up to the empty page that ends the scroll', async () => {
    for (let index = 0; index < 130; index += 1) {
      await sim.changes.upsertCompany({ company_id: `scroll-${index}`, name: `Co ${index}` });
    }
    const mark = await sim.journalMark();
    const companies = await all(client().scrollCompanies());
    expect(new Set(companies.map((company) => company.company_id)).size).toBe(130);
    const calls = (await sim.journal(mark)).map((entry) => `${entry.method} ${entry.route}`);
    expect(calls).toEqual(Array(3).fill('GET /companies/scroll'));
  });

  it('is INTERCOM_SCROLL_BUSY (deferred, no attempt used) while another scroll is open', async () => {
    const held = client().scrollCompanies();
    await held.next();
    const busy = await errorOf(all(client().scrollCompanies()));
    expect(busy).toMatchObject({ code: 'INTERCOM_SCROLL_BUSY', status: 400 });
    await all(held); // to its end, which closes it
    expect((await all(client().scrollCompanies())).length).toBeGreaterThan(0);
  });

  it('is INTERCOM_UNAVAILABLE (retried from the start) when the scroll expired between pages', async () => {
    const slow = client().scrollCompanies();
    await slow.next();
    await sim.control('POST', 'clock', { advanceMs: 61_000 });
    // The first page's other companies come from memory; the next page's call finds it expired.
    const expired = await errorOf(all(slow));
    expect(expired).toMatchObject({ code: 'INTERCOM_UNAVAILABLE', status: 404 });
  });
});
