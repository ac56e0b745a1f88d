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

/** Starts counting Redis commands afresh (CONFIG RESETSTAT). */
export async function resetRedisCommandStats(url: string): Promise<void> {
  const redis = new Redis(url);
  try {
    await redis.config('RESETSTAT');
  } finally {
    redis.disconnect();
  }
}

/** Per command since the last reset: calls and µs spent in Redis (INFO commandstats). */
export async function redisCommandStats(
  url: string,
): Promise<{ command: string; calls: number; usec: number }[]> {
  const redis = new Redis(url);
  try {
    const info = await redis.info('commandstats');
    return [...info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)].map((match) => ({
      command: match[1] ?? '',
      calls: Number(match[2]),
      usec: Number(match[3]),
    }));
  } finally {
    redis.disconnect();
  }
}

/** The process id of a Redis server (INFO server). */
export async function redisPid(url: string): Promise<number> {
  const redis = new Redis(url);
  try {
    const info = await redis.info('server');
    return Number(/process_id:(\d+)/.exec(info)?.[1]);
  } finally {
    redis.disconnect();
  }
}
