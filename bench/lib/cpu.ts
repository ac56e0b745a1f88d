import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds a Redis server has used so far (INFO cpu). */
export async function redisCpuSeconds(url: string): Promise<number> {
  const redis = new Redis(url);
  try {
    const info = await redis.info('cpu');
    const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return value('used_cpu_user') + value('used_cpu_sys');
  } finally {
    redis.disconnect();
  }
}
