import type { IntercomClient } from '@relay/intercom';

/** Reads change nothing at Intercom: a run that lost its job may still make them. */
const READS = new Set<keyof IntercomClient>([
  'me',
  'getContact',
  'findContactByExternalId',
  'searchContacts',
  'listDataAttributes',
  'conversationParts',
  'searchConversations',
  'listArticles',
  'listCollections',
]);

/** Whether a client method may change something at Intercom (all but the known reads). */
export function isWrite(name: string | symbol): boolean {
  return !READS.has(name as keyof IntercomClient);
}

/** Thrown instead of a write when the run no longer holds its job. */
export class JobTakenOver extends Error {
  constructor(jobId: string) {
    super(`job ${jobId} is no longer this run's: its lock expired or another worker has it`);
    this.name = 'JobTakenOver';
  }
}

/**
 * The client, with `stillHeld` asked before every write (any method not in READS, so a new
 * write is fenced by default). A worker cut off from Redis past its job lock finds, once it
 * is through again, that another worker has run the job, possibly with newer data since: its
 * own writes, made from what it read before the cut, must not reach Intercom after those.
 */
export function fenceWrites(
  client: IntercomClient,
  stillHeld: () => Promise<boolean>,
  jobId: string,
): IntercomClient {
  return new Proxy(client, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function' || !isWrite(name)) return value;
      return async (...args: unknown[]) => {
        if (!(await stillHeld())) throw new JobTakenOver(jobId);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
