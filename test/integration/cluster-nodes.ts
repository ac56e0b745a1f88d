import type { Cluster, Redis } from 'ioredis';

/** A master of the cluster other than the one that holds `key`'s slot. */
export async function masterAway(client: Cluster, key: string): Promise<Redis> {
  const slot = Number(await client.cluster('KEYSLOT', key));
  const ranges = await client.cluster('SLOTS');
  const owner = ranges.find(([start, end]) => slot >= start && slot <= end)?.[2];
  const other = client
    .nodes('master')
    .find((node) => !(node.options.host === owner?.[0] && node.options.port === owner?.[1]));
  if (!other) throw new Error(`no master other than ${owner?.join(':')}`);
  return other;
}
