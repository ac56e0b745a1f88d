import type { AppError } from '@relay/errors';
import type { ValidationResult } from '@relay/jobs';
import type { EnqueueItemResult } from '@relay/jobs/queue';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../../plugins/error-handler.ts';

type Rejected = { index: number; code: string; message: string };

/**
 * `?lane=backfill` marks a batch as bulk work (a backfill, a re-import): it waits for spare
 * budget behind the CRM's interactive pushes, which take the default lane, `sync`.
 */
export const BatchQuery = {
  type: 'object',
  properties: { lane: { type: 'string', enum: ['sync', 'backfill'] } },
  additionalProperties: false,
} as const;

export type BatchLane = 'sync' | 'backfill';

/**
 * The answer to a batch: each item accepted (with its job id) or rejected (with its index and
 * reason), none dropped silently. Items are validated one by one, so one bad item rejects only
 * itself. 503 only when nothing could be stored, so the sender retries the whole batch.
 */
export async function answerBatch<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  batch: { field: string; items: readonly unknown[] },
  validate: (item: unknown) => ValidationResult<T> | Promise<ValidationResult<T>>,
  enqueue: (valid: T[]) => Promise<EnqueueItemResult[]>,
): Promise<FastifyReply> {
  const rejected: Rejected[] = [];
  const valid: { index: number; item: T }[] = [];
  const results = await Promise.all(batch.items.map((item) => validate(item)));
  results.forEach((result, index) => {
    if (result.ok) valid.push({ index, item: result.value });
    else
      rejected.push({
        index,
        code: 'PAYLOAD_INVALID',
        message: `${batch.field}[${index}]${result.message}`,
      });
  });

  const stored = valid.length > 0 ? await enqueue(valid.map((entry) => entry.item)) : [];
  const accepted: { index: number; jobId: string }[] = [];
  let failure: AppError | undefined;
  let failed = 0;
  stored.forEach((result, i) => {
    const index = valid[i]?.index ?? -1;
    if (result.ok) accepted.push({ index, jobId: result.jobId });
    else {
      failure = result.error;
      failed += 1;
      rejected.push({ index, code: result.error.code, message: result.error.message });
    }
  });
  if (failure) request.log.error({ err: failure, failed }, 'could not store items');
  if (failure && accepted.length === 0) return sendError(reply, failure);

  rejected.sort((a, b) => a.index - b.index);
  request.log.info(
    { batch: batch.field, accepted: accepted.length, rejected: rejected.length },
    'enqueued batch',
  );
  return reply.code(202).send({ accepted, rejected });
}
