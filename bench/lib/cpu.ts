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

/** Runs `use` on a connection of its own to the Redis at `url`, closed afterwards. */
async function withRedis<T>(url: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url);
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

/** CPU seconds a Redis server has used so far (INFO cpu). */
export function redisCpuSeconds(url: string): Promise<number> {
  return withRedis(url, async (redis) => {
    const info = await redis.info('cpu');
    const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return value('used_cpu_user') + value('used_cpu_sys');
  });
}

/** Starts counting Redis commands afresh (CONFIG RESETSTAT). */
export function resetRedisCommandStats(url: string): Promise<void> {
  return withRedis(url, async (redis) => {
    await redis.config('RESETSTAT');
  });
}

/** Per command since the last reset: calls and µs spent in Redis (INFO commandstats). */
export function redisCommandStats(
  url: string,
): Promise<{ command: string; calls: number; usec: number }[]> {
  return withRedis(url, async (redis) => {
    const info = await redis.info('commandstats');
    return [...info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)].map((match) => ({
      command: match[1] ?? '',
      calls: Number(match[2]),
      usec: Number(match[3]),
    }));
  });
}

/** The process id of a Redis server (INFO server). */
export function redisPid(url: string): Promise<number> {
  return withRedis(url, async (redis) =>
    Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]),
  );
}
