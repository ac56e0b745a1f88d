import type { IntercomClient } from '@relay/intercom';
import { describe, expect, it } from 'vitest';
import { fenceWrites, JobTakenOver } from './fenced-intercom.ts';

function fakeClient() {
  const calls: string[] = [];
  const client = {
    updateContact: async (id: string) => {
      calls.push(`update ${id}`);
      return { id };
    },
    getContact: async (id: string) => {
      calls.push(`get ${id}`);
      return { id };
    },
    async *searchContacts() {
      calls.push('search');
      yield { id: 'c1' };
    },
  } as unknown as IntercomClient;
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
