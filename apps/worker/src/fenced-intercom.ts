import { AppError } from '@relay/errors';
import type { IntercomClient } from '@relay/intercom';

/** Instead of a write when the run no longer holds its job: nothing was sent. */
export class JobTakenOver extends AppError {
  constructor(jobId: string) {
    super(
      'JOB_TAKEN_OVER',
      `job ${jobId} is no longer this run's: its lock expired or another worker has it`,
      { sentNothing: true },
    );
    this.name = 'JobTakenOver';
  }
}

/**
 * The client, with `stillHeld` asked before every write (the client knows which calls are
 * writes, so a new write is fenced by default). A worker cut off from Redis past its job lock
 * finds, once it is through again, that another worker has run the job, possibly with newer
 * data since: its own writes, made from what it read before the cut, must not reach Intercom
 * after those.
 */
export function fenceWrites(
  client: IntercomClient,
  stillHeld: () => Promise<boolean>,
  jobId: string,
): IntercomClient {
  return client.withWriteGuard(async (send) => {
    if (!(await stillHeld())) throw new JobTakenOver(jobId);
    return send();
  });
}

/**
 * Whether the run still holds its job, from a renewal of its lock (`renew`: BullMQ's
 * extendLock, 1 when renewed). An answer that took longer than a third of the lock is not
 * believed: the renewal may have run well before the answer arrived (a partition that held
 * the reply, then delivered it), and the lock may have run out and gone to another worker
 * since; a write on it could land after that worker's newer one.
 */
export async function renewedInTime(
  renew: () => Promise<number>,
  lockMs: number,
  now: () => number = performance.now.bind(performance),
): Promise<boolean> {
  const asked = now();
  const renewed = (await renew()) === 1;
  return renewed && now() - asked <= lockMs / 3;
}
