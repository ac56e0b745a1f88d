import type { Redis } from 'ioredis';

/**
 * Every key whose name starts with `prefix` ('' for every key in the Redis), with everything
 * it holds, as text: `<key> <JSON of its value>`, for a test that checks what Redis still
 * holds (e.g. no personal data after an erasure). Reads every type a relay key can have; a
 * key of another type fails the dump rather than be skipped unread.
 */
export async function dumpKeys(client: Redis, prefix = ''): Promise<Map<string, string>> {
  const dump = new Map<string, string>();
  for (const key of await client.keys(`${prefix}*`)) {
    const type = await client.type(key);
    let value: unknown;
    if (type === 'none') continue; // expired or removed since KEYS
    if (type === 'string') value = await client.get(key);
    else if (type === 'hash') value = await client.hgetall(key);
    else if (type === 'list') value = await client.lrange(key, 0, -1);
    else if (type === 'set') value = await client.smembers(key);
    else if (type === 'zset') value = await client.zrange(key, '0', '-1', 'WITHSCORES');
    else if (type === 'stream') value = await client.xrange(key, '-', '+');
    else throw new Error(`dumpKeys: ${key} is a ${type}, which it cannot read`);
    dump.set(key, `${key} ${JSON.stringify(value)}`);
  }
  return dump;
}
