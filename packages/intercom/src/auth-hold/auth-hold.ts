import { createHash } from 'node:crypto';
import { AppError } from '@relay/errors';
import type { Logger } from '@relay/telemetry';
import { createLocalHoldStore, type HoldStore, type SharedHold } from './hold-store.ts';

type AuthHoldOptions = {
  /** The access token now (a `NAME_FILE` secret re-reads its file when it changed). */
  token: () => string;
  /** Shares the hold with every process using the token. @defaultValue this process's alone */
  store?: HoldStore;
  /**
   * One light call with the token (`GET /me`) made by a client that the hold lets through
   * (`probesAuthHold`); its answer ends or keeps the hold.
   */
  probe?: () => Promise<unknown>;
  logger?: Pick<Logger, 'warn' | 'info'>;
  /** Hears this process start (true) and stop (false) holding calls, e.g. for a gauge. */
  onHeldChange?: (held: boolean) => void;
  /** How often a held process looks at the shared hold, and a held call's wait. @defaultValue 1000 */
  checkMs?: number;
  /** While calls are held, the warning is repeated this often. @defaultValue 60000 */
  remindEveryMs?: number;
  now?: () => number;
};

/** What the ingress's /readyz shows of a hold. */
export type AuthHoldView = { since: string; probes: number; nextProbeInMs: number };

/** What a refusal said, for the log (never the token). */
type Refusal = {
  status?: number | undefined;
  requestId?: string | undefined;
  details?: unknown;
};

type Held = { token: string; key: string; since: number; probes: number; remindAt: number };

/**
 * After Intercom answers 401 to the access token, calls with that token are held: refused
 * here, without a call and without costing a job an attempt, with a short `retryAfterMs` so
 * that their queue looks again soon. The hold ends for every process sharing the store when
 * a call with the token succeeds — a probe (`GET /me`) made at growing intervals (1 s, 2 s,
 * 4 s … up to a minute) by one process at a time, or any call answered meanwhile — and for
 * this process at once when the token changes (a new token in the secret file).
 * Before this, the refused token was tried by one call a minute, and that call's success
 * ended nothing: after a transient 401 a worker made one call a minute for good.
 */
export function createAuthHold(options: AuthHoldOptions) {
  const checkMs = options.checkMs ?? 1_000;
  const remindEveryMs = options.remindEveryMs ?? 60_000;
  const now = options.now ?? Date.now;
  const store = options.store ?? createLocalHoldStore();
  const shared = options.store !== undefined;
  let held: Held | undefined;
  let timer: NodeJS.Timeout | undefined;
  let ticking = false;
  let probing = false;
  let lookedAt = Number.NEGATIVE_INFINITY;

  function begin(token: string, refusal: Refusal | 'another process') {
    held = { token, key: keyOf(token), since: now(), probes: 0, remindAt: now() + remindEveryMs };
    options.onHeldChange?.(true);
    const by =
      refusal === 'another process'
        ? { refusedTo: 'another process' }
        : {
            refusedTo: 'this process',
            status: refusal.status,
            intercomCode: (refusal.details as { intercomCode?: unknown } | undefined)?.intercomCode,
            requestId: refusal.requestId,
          };
    options.logger?.warn(by, 'holding intercom calls: the access token was refused');
    clearInterval(timer); // a hold on a token no longer in use, not yet noticed
    timer = setInterval(tick, checkMs);
    timer.unref();
  }

  function release(reason: 'accepted' | 'token_changed' | 'ended_elsewhere') {
    const ending = held;
    if (!ending) return;
    held = undefined;
    clearInterval(timer);
    timer = undefined;
    options.onHeldChange?.(false);
    options.logger?.info(
      { reason, heldForMs: now() - ending.since, probes: ending.probes },
      'resumed intercom calls',
    );
    if (reason === 'accepted') {
      store.end(ending.key).catch(() => {}); // the others' probes end it when Redis is back
    }
  }

  function adopt(hold: SharedHold) {
    if (!held) return;
    held.since = now() - (hold.now - hold.since);
    held.probes = hold.probes;
  }

  /** Once per `checkMs`: has the hold ended elsewhere, is a probe due, is a reminder due. */
  function tick() {
    const current = held;
    if (!current || ticking) return;
    if (options.token() !== current.token) return release('token_changed');
    ticking = true;
    store
      .tick(current.key)
      .then((result) => {
        if (held !== current) return;
        if (!result) return release('ended_elsewhere');
        adopt(result.hold);
        if (now() >= current.remindAt) {
          current.remindAt = now() + remindEveryMs;
          options.logger?.warn(
            {
              heldForMs: now() - current.since,
              probes: current.probes,
              nextProbeInMs: Math.max(result.hold.nextProbeAt - result.hold.now, 0),
            },
            'still holding intercom calls: the access token is refused',
          );
        }
        if (result.probe) probe();
      })
      .catch(() => {}) // the store is unreadable: keep holding, look again next tick
      .finally(() => {
        ticking = false;
      });
  }

  function probe() {
    if (probing || !options.probe) return;
    probing = true;
    // Its answer reaches accepted() or refused() through the client; a failure proves nothing.
    options
      .probe()
      .catch(() => {})
      .finally(() => {
        probing = false;
      });
  }

  /** Joins a hold another process started (at most one look per `checkMs`). */
  function look(): Promise<void> {
    if (!shared || now() - lookedAt < checkMs) return Promise.resolve();
    lookedAt = now();
    const token = options.token();
    return store
      .read(keyOf(token))
      .then((hold) => {
        if (!hold || held || options.token() !== token) return;
        begin(token, 'another process');
        adopt(hold);
      })
      .catch(() => {});
  }

  return {
    checkMs,
    /** Before a call: throws INTERCOM_UNAUTHORIZED while the refused token is the one in use. */
    admit(): void {
      if (!held) {
        void look();
        return;
      }
      if (options.token() !== held.token) {
        release('token_changed');
        return;
      }
      throw new AppError(
        'INTERCOM_UNAUTHORIZED',
        'Intercom refused the access token: calls are held until a call with it succeeds or it changes',
        { retryAfterMs: checkMs, details: { source: 'auth_hold' }, sentNothing: true },
      );
    },
    /** Intercom answered a call made with `token` past authentication (2xx, or a 4xx but 401). */
    accepted(token: string): void {
      if (held?.token === token) release('accepted');
    },
    /** Intercom answered 401 to a call made with `token`. */
    refused(token: string, refusal: Refusal): void {
      if (token !== options.token()) return; // a token no longer in use
      if (held?.token !== token) begin(token, refusal);
      const current = held;
      store
        .refuse(keyOf(token))
        .then((hold) => {
          if (held === current) adopt(hold);
        })
        .catch(() => {}); // this process holds anyway; others meet their own 401
    },
    /** Looks at the shared hold now (before a probe whose success should end it). */
    sync(): Promise<void> {
      lookedAt = Number.NEGATIVE_INFINITY;
      return held ? Promise.resolve() : look();
    },
    /** The hold on the token in use, as the store has it (undefined when none). */
    async read(): Promise<AuthHoldView | undefined> {
      const hold = await store.read(keyOf(options.token()));
      if (!hold) return undefined;
      return {
        since: new Date(now() - (hold.now - hold.since)).toISOString(),
        probes: hold.probes,
        nextProbeInMs: Math.max(hold.nextProbeAt - hold.now, 0),
      };
    },
    /** Stops looking and probing (the process is closing). */
    close() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

export type AuthHold = ReturnType<typeof createAuthHold>;

/** Processes sharing a token share its hold; the token never reaches the store. */
function keyOf(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}
