import type { Redis } from 'ioredis';

/**
 * Redis memory as the fault tests see it, through the test's own connection: the fill level,
 * the writes Redis refused for want of memory, and someone else's data to fill it with.
 */
export function redisMemory(admin: Redis) {
  async function memory() {
    const info = await admin.info('memory');
    const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1]);
    return { used: field('used_memory'), max: field('maxmemory') };
  }

  return {
    memory,

    /** Writes Redis refused for want of memory (INFO errorstats counts each OOM answer). */
    async oomRefusals(): Promise<number> {
      const info = await admin.info('errorstats');
      return Number(/^errorstat_OOM:count=(\d+)/m.exec(info)?.[1] ?? 0);
    },

    /** Someone else's data fills Redis to `ratio` of maxmemory, so the relay's own intake crosses the line fast. */
    async fillTo(ratio: number) {
      const chunk = 'x'.repeat(256 * 1024);
      for (let i = 0; ; i++) {
        const { used, max } = await memory();
        if (used >= ratio * max) return;
        await admin.set(`filler:${i}`, chunk);
      }
    },
  };
}
