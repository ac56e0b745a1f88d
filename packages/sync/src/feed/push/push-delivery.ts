import type { KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { AppError } from '@relay/errors';
import type { Cluster, Redis } from 'ioredis';
import type { FeedKeys } from '../feed-store.ts';
import type { CrmEndpoint } from './crm-endpoint.ts';
import { answerText, deliveryBody, isDelivered, sendSigned } from './delivery-request.ts';
import type { EndpointCircuit } from './endpoint-circuit.ts';
import type { DeliveryJob } from './push-dispatcher.ts';
import type { PushKeys } from './push-keys.ts';
import { pushScripts } from './push-scripts.ts';

/** What a delivery job did (relay_crm_deliveries_total{outcome}). */
export type DeliveryOutcome =
  /** A 2xx. */
  | 'delivered'
  /** Not a 2xx, or no answer: retried later. */
  | 'failed'
  /** The last attempt failed: the job is a dead letter; the change waits for a replay or a newer change. */
  | 'dead'
  /** A 410: the endpoint is disabled. */
  | 'disabled'
  /** Nothing to deliver: another job has the record, or a newer change went already. */
  | 'superseded'
  /** The change left the log before it was delivered (erased, or past retention). */
  | 'gone';

/** What both delivery paths (the fast path and the delivery job) work with. */
export type PushParts = {
  redis: Redis | Cluster;
  keys: PushKeys;
  feedKeys: FeedKeys;
  endpoint: CrmEndpoint;
  circuit: EndpointCircuit;
  /** The signing secrets, newest first (read on each delivery: a rotated file needs no restart). */
  secrets: () => readonly KeyObject[];
  timeoutMs: number;
  /** How long a delivered record's slot is kept (the log's retention). */
  retentionMs: number;
  observe?: ((outcome: DeliveryOutcome, lagSeconds?: number) => void) | undefined;
};

export type PushDeliveryDeps = PushParts & {
  /**
   * A delivery job's attempts: CRM_WEBHOOK_RETRY_SCHEDULE's delays (the first attempt was the
   * fast path's, which handed the slot to the job).
   */
  attempts: number;
  now?: () => number;
};

/** Deliveries of one record in one job before it gives way to other jobs. */
const ROUNDS_PER_JOB = 10;

/**
 * Delivers a record's undelivered change to the CRM (see the glossary: slot, record order):
 * under the record's delivery lock, the change waiting in its slot, signed; on a 2xx the slot
 * moves on, and a newer change that came meanwhile goes next, in the same job.
 */
export function createPushDelivery(deps: PushDeliveryDeps) {
  const { redis, keys } = deps;
  const scripts = pushScripts(redis);
  const now = deps.now ?? Date.now;
  // The lock outlives a delivery's timeout, so a live run's request ends before anyone else's.
  const lockMs = deps.timeoutMs * 2 + 5_000;

  async function body(cursor: string, type: string, changed: string) {
    const entry = (await redis.xrange(deps.feedKeys.log, cursor, cursor))[0];
    const json = entry?.[1][entry[1].indexOf('c') + 1];
    return json ? deliveryBody(json, cursor, type, changed) : undefined;
  }

  /** The slot's change went (or cannot go: gone from the log); see DELIVERED. */
  const delivered = (job: DeliveryJob, cursor: string, version: string) =>
    scripts.relayPushDelivered(
      keys.slot(job.record),
      keys.due,
      cursor,
      version,
      String(deps.retentionMs),
    );

  async function deliverOnce(
    job: DeliveryJob,
    lock: { key: string; token: string },
    attempt: number,
  ): Promise<'done' | 'again'> {
    const [cursor, version, type, changed] = await redis.hmget(
      keys.slot(job.record),
      'p',
      'pv',
      'ty',
      'ch',
    );
    if (!cursor) {
      // Nothing waits (delivered by a run that lost its job): the slot's job ends.
      return delivered(job, '', '');
    }
    const payload = await body(cursor, type ?? '', changed ?? '');
    if (!payload) {
      deps.observe?.('gone');
      return delivered(job, cursor, version ?? '');
    }
    const admitted = await deps.circuit.admit();
    // The lock is renewed right before sending: a run that stalled past it sends nothing.
    const asked = now();
    const renewed = await scripts.relayPushRenew(lock.key, lock.token, String(lockMs));
    if (renewed !== 1 || now() - asked > lockMs / 4) {
      throw new AppError('JOB_TAKEN_OVER', 'the record lock passed to another delivery');
    }
    const answer = await sendSigned(deps.endpoint, deps.secrets(), cursor, payload.json, now());
    if (isDelivered(answer)) {
      await deps.circuit.succeeded(admitted);
      deps.observe?.('delivered', Math.max(0, (now() - payload.recordedAt) / 1_000));
      return delivered(job, cursor, version ?? '');
    }
    if (answer.status === 410) {
      await deps.circuit.disable();
      deps.observe?.('disabled');
      throw new AppError('CRM_ENDPOINT_DISABLED', 'the CRM endpoint answered 410 Gone');
    }
    await deps.circuit.failed(admitted);
    const why = answerText(answer);
    if (admitted.probe) {
      deps.observe?.('failed');
      throw new AppError('CRM_ENDPOINT_CIRCUIT_OPEN', `the CRM endpoint's probe failed (${why})`);
    }
    const last = attempt >= deps.attempts;
    deps.observe?.(last ? 'dead' : 'failed');
    // A dead letter leaves the change waiting, for a replay or the record's next change.
    if (last) await scripts.relayPushOwn(keys.slot(job.record), keys.due, job.seq, 'release', '0');
    throw new AppError('CRM_ENDPOINT_FAILED', `the CRM endpoint did not take the change (${why})`, {
      status: answer.status || undefined,
      retryAfterMs: answer.retryAfterMs,
    });
  }

  return {
    /** The `change.deliver` job: one record's waiting change, then any newer one. */
    async deliver(job: DeliveryJob, attempt: number): Promise<{ delivered: number }> {
      const ownership = await scripts.relayPushOwn(
        keys.slot(job.record),
        keys.due,
        job.seq,
        'own',
        String(now()),
      );
      if (ownership === 'owned' || ownership === 'nothing') {
        deps.observe?.('superseded');
        return { delivered: 0 };
      }
      const lock = { key: keys.lock(job.record), token: randomUUID() };
      if ((await redis.set(lock.key, lock.token, 'PX', lockMs, 'NX')) !== 'OK') {
        throw new AppError('RECORD_BUSY', 'another delivery of this record is on');
      }
      try {
        for (let round = 1; round <= ROUNDS_PER_JOB; round += 1) {
          if ((await deliverOnce(job, lock, attempt)) === 'done') return { delivered: round };
        }
        throw new AppError('RECORD_BUSY', 'the record keeps changing: its next change goes later');
      } finally {
        await scripts.relayPushRelease(lock.key, lock.token).catch(() => 0);
      }
    },
  };
}
