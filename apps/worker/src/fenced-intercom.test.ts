import { createIntercomClient } from '@relay/intercom';
import { describe, expect, it } from 'vitest';
import { fenceWrites, JobTakenOver, renewedInTime } from './fenced-intercom.ts';

/** A real client over a fetch that answers as Intercom would and notes each call. */
function fakeClient() {
  const calls: string[] = [];
  const answer = (body: unknown) =>
    new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  const client = createIntercomClient({
    baseUrl: 'http://intercom.test',
    token: () => 'token',
    fetch: async (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      const method = init?.method ?? 'GET';
      const id = url.pathname.split('/')[2] ?? '';
      if (method === 'PUT') {
        calls.push(`update ${id}`);
        return answer({ id });
      }
      if (url.pathname === '/contacts/search') {
        calls.push('search');
        return answer({ type: 'list', data: [{ id: 'c1' }], pages: {} });
      }
      calls.push(`get ${id}`);
      return answer({ id });
    },
  });
  return { client, calls };
}

describe('fenceWrites', () => {
  it('asks before every write and writes while the job is still the run’s', async () => {
    const { client, calls } = fakeClient();
    let asked = 0;
    const fenced = fenceWrites(client, async () => ++asked > 0, 'job-1');
    expect(await fenced.updateContact('c1', { name: 'A' })).toEqual({ id: 'c1' });
    expect(asked).toBe(1);
    expect(calls).toEqual(['update c1']);
  });

  it('makes no write once the job is another run’s', async () => {
    const { client, calls } = fakeClient();
    const fenced = fenceWrites(client, async () => false, 'job-1');
    await expect(fenced.updateContact('c1', { name: 'A' })).rejects.toBeInstanceOf(JobTakenOver);
    expect(calls).toEqual([]);
  });

  it('lets reads through unasked, iterators included', async () => {
    const { client, calls } = fakeClient();
    const fenced = fenceWrites(client, async () => false, 'job-1');
    expect(await fenced.getContact('c1')).toEqual({ id: 'c1' });
    const found = [];
    for await (const contact of fenced.searchContacts({} as never)) found.push(contact);
    expect(found).toEqual([{ id: 'c1' }]);
    expect(calls).toEqual(['get c1', 'search']);
  });
});

describe('renewedInTime', () => {
  /** A renewal answering `answer` after `tookMs` of a clock the test moves. */
  function renewal(answer: number, tookMs: number) {
    let clock = 0;
    const now = () => clock;
    const renew = async () => {
      clock += tookMs;
      return answer;
    };
    return { renew, now };
  }

  it('believes a renewal answered within a third of the lock', async () => {
    const { renew, now } = renewal(1, 600);
    expect(await renewedInTime(renew, 2_000, now)).toBe(true);
  });

  it('does not believe one answered later: the lock may have gone to another worker since', async () => {
    // A partition held the reply of a renewal Redis had made, then delivered it (the fault
    // test worker-partition.test.ts: a stale write landed after the other worker's newer one).
    const { renew, now } = renewal(1, 700);
    expect(await renewedInTime(renew, 2_000, now)).toBe(false);
  });

  it('is false when the lock was not renewed', async () => {
    const { renew, now } = renewal(0, 1);
    expect(await renewedInTime(renew, 2_000, now)).toBe(false);
  });
});
