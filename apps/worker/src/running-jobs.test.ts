import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createRunningJobs } from './running-jobs.ts';

function fakeJob(id: string, moved: string[], fails = false) {
  return {
    id,
    async moveToWait(token: string) {
      if (fails) throw new Error('Missing lock for job');
      moved.push(`${id}:${token}`);
      return 0;
    },
  } as unknown as Job;
}

describe('running jobs', () => {
  it('knows a job only while its processor runs', async () => {
    const running = createRunningJobs();
    let finish = () => {};
    const processor = running.track(() => new Promise((resolve) => (finish = () => resolve(1))));
    const result = processor(fakeJob('a', []), 'token-a');
    expect(running.size).toBe(1);
    finish();
    expect(await result).toBe(1);
    expect(running.size).toBe(0);
  });

  it('hands back every running job with its lock token, skipping those that cannot move', async () => {
    const running = createRunningJobs();
    const moved: string[] = [];
    const processor = running.track(() => new Promise(() => {}));
    void processor(fakeJob('a', moved), 'token-a');
    void processor(fakeJob('b', moved, true), 'token-b');
    void processor(fakeJob('c', moved), undefined); // no token: not ours to move
    expect(await running.handBack()).toBe(1);
    expect(moved).toEqual(['a:token-a']);
    expect(running.size).toBe(0);
  });
});
