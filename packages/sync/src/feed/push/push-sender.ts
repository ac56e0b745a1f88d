import type { EndpointAnswer } from './crm-endpoint.ts';
import { deliveryBody, isDelivered, sendSigned } from './delivery-request.ts';
import type { PushParts } from './push-delivery.ts';
import type { DeliveryJob } from './push-dispatcher.ts';
import { pushScripts } from './push-scripts.ts';

export type PushSenderDeps = PushParts & {
  concurrency: number;
  /** A delivery that failed goes to a job of its own (retries, the circuit, dead letters). */
  handOver: (job: DeliveryJob, delayMs: number) => Promise<void>;
  /** The wait before the job's first try, from the answer (Retry-After) or the schedule. */
  firstRetryMs: (answer: EndpointAnswer) => number;
  onError: (error: unknown) => void;
};

/** How often an idle sender looks for due slots, and how often it looks at the endpoint's state. */
const IDLE_POLL_MS = 25;
const STATE_EVERY_MS = 500;
/** Acknowledgements are written together once this many wait, or this often. */
const ACK_BATCH = 128;
const ACK_EVERY_MS = 20;
/** Slots claimed per call, in deliveries' concurrencies: fewer, larger calls cost Redis less. */
const CLAIM_CONCURRENCIES = 4;

type Claimed = [
  slot: string,
  cursor: string,
  version: string,
  type: string,
  changed: string,
  json: string,
];
type Outcome = 'ok' | 'handover' | 'release';

/**
 * The fast path of the push (see the glossary: slot, fast path): claims due slots in batches
 * (each leased, so one delivery of a record at a time in the cluster), POSTs their changes
 * CONCURRENCY at a time, and acknowledges in batches. A failure hands the slot to a delivery
 * job, which retries on the schedule; while the endpoint circuit is not closed nothing is
 * claimed (the jobs probe).
 */
export function createPushSender(deps: PushSenderDeps) {
  const { redis, keys } = deps;
  const scripts = pushScripts(redis);
  // A claim's lease outlives a delivery's timeout: a live sender's request ends before the
  // slot can be claimed again; one that stalled past its margin sends nothing (see send).
  const leaseMs = deps.timeoutMs * 2 + 5_000;
  const sendWithinMs = leaseMs - deps.timeoutMs - 2_000;
  const claimBatch = deps.concurrency * CLAIM_CONCURRENCIES;
  let stopped = true;
  let loop: Promise<void> | undefined;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  // Acknowledgements waiting to be written: ACK's lines, and the answers of failed deliveries
  // (a handed-over slot's first retry waits by its answer).
  let lines: string[] = [];
  let answers = new Map<string, EndpointAnswer>();
  let flushing: Promise<void> = Promise.resolve();
  let flushQueued = false;
  let flushTimer: NodeJS.Timeout | undefined;
  let closed = { at: 0, ok: true };
  let failedSince = false; // a failure here since the last success: the next one resets the count

  async function endpointOk(): Promise<boolean> {
    if (Date.now() - closed.at < STATE_EVERY_MS) return closed.ok;
    closed = { at: Date.now(), ok: (await deps.circuit.state()) === 0 };
    return closed.ok;
  }

  async function flush(): Promise<void> {
    flushQueued = false;
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    if (lines.length === 0) return;
    const batch = lines.join('\n');
    const failed = answers;
    lines = [];
    answers = new Map();
    const handed = await scripts.relayPushAck(
      keys.due,
      String(Date.now()),
      String(deps.retentionMs),
      batch,
    );
    for (let at = 0; at + 1 < handed.length; at += 2) {
      const slot = handed[at] as string;
      await deps.handOver(
        { record: keys.recordOfSlot(slot), seq: handed[at + 1] as string },
        deps.firstRetryMs(failed.get(slot) ?? { status: 0 }),
      );
    }
  }

  const queueFlush = () => {
    if (flushQueued) return;
    flushQueued = true;
    flushing = flushing.then(flush).catch(deps.onError);
  };

  function acknowledge(claimed: Claimed, outcome: Outcome, answer?: EndpointAnswer): void {
    lines.push(`${claimed[0]}\t${claimed[1]}\t${claimed[2]}\t${outcome}`);
    if (answer) answers.set(claimed[0], answer);
    if (lines.length >= ACK_BATCH) queueFlush();
    else flushTimer ??= setTimeout(queueFlush, ACK_EVERY_MS);
  }

  async function send(item: Claimed, claimedAt: number) {
    const [, cursor, , type, changed, json] = item;
    if (json === '') {
      deps.observe?.('gone'); // erased, or past retention, before it went
      acknowledge(item, 'ok');
      return;
    }
    if (Date.now() - claimedAt > sendWithinMs) {
      return; // stalled past the lease's margin: the lease runs out, another claim sends it
    }
    const body = deliveryBody(json, cursor, type, changed);
    const answer = await sendSigned(deps.endpoint, deps.secrets(), cursor, body.json, Date.now());
    if (isDelivered(answer)) {
      if (failedSince) {
        failedSince = false;
        await deps.circuit.succeeded({ probe: false });
      }
      deps.observe?.('delivered', Math.max(0, (Date.now() - body.recordedAt) / 1_000));
      acknowledge(item, 'ok');
      return;
    }
    if (answer.status === 410) {
      await deps.circuit.disable();
      deps.observe?.('disabled');
    } else {
      await deps.circuit.failed({ probe: false });
      deps.observe?.('failed');
    }
    failedSince = true;
    closed = { at: 0, ok: false }; // look at the circuit before claiming more
    acknowledge(item, 'handover', answer);
  }

  /** Claimed, not yet sent: kept filled so CONCURRENCY deliveries stay in flight. */
  const ready: { item: Claimed; claimedAt: number }[] = [];

  function sent(): void {
    inFlight -= 1;
    pump();
    if (ready.length < claimBatch / 2) wake?.();
  }

  function pump(): void {
    while (inFlight < deps.concurrency && ready.length > 0) {
      const { item, claimedAt } = ready.shift() as { item: Claimed; claimedAt: number };
      inFlight += 1;
      send(item, claimedAt).then(sent, (error) => {
        deps.onError(error);
        acknowledge(item, 'release');
        sent();
      });
    }
  }

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, ms);
    });

  async function run(): Promise<void> {
    while (!stopped) {
      try {
        if (ready.length >= claimBatch / 2 || !(await endpointOk())) {
          await pause(IDLE_POLL_MS);
          continue;
        }
        const claimedAt = Date.now();
        const flat = await scripts.relayPushClaim(
          keys.due,
          deps.feedKeys.log,
          String(claimedAt),
          String(leaseMs),
          String(claimBatch),
        );
        for (let at = 0; at + 5 < flat.length; at += 6) {
          ready.push({ item: flat.slice(at, at + 6) as Claimed, claimedAt });
        }
        const claimed = flat.length / 6;
        pump();
        if (claimed === 0) await pause(IDLE_POLL_MS);
      } catch (error) {
        if (stopped) break;
        deps.onError(error);
        await pause(1_000);
      }
    }
  }

  return {
    start() {
      stopped = false;
      loop = run();
    },
    /** Stops claiming; what is in flight finishes (within its timeout) and is acknowledged. */
    async stop(): Promise<void> {
      stopped = true;
      wake?.();
      await loop;
      // Claimed and not sent: due again now, for this or another process.
      for (const { item } of ready.splice(0)) acknowledge(item, 'release');
      const deadline = Date.now() + deps.timeoutMs + 1_000;
      while (inFlight > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await flushing;
      await flush().catch(deps.onError);
    },
  };
}
