/**
 * Intercom's rate limits: a per-app quota and a workspace quota shared by all apps, both counted
 * in fixed windows aligned to the epoch (window = floor(nowMs / windowMs)).
 *
 * A rejected (429) call does not consume quota, as on Intercom: a client hammering through a
 * 429 does not push its own recovery further away.
 */
export type RateLimiterOptions = { appLimit: number; workspaceLimit: number; windowMs: number };

export type RateDecision = {
  allowed: boolean;
  /** The per-window app quota (`X-RateLimit-Limit`). */
  limit: number;
  /** What is left for this app: the smaller of its own and the workspace's remainder. */
  remaining: number;
  /** End of the current window, Unix epoch seconds (`X-RateLimit-Reset`). */
  resetSeconds: number;
  /** Which quota refused the call; the 429 message names its limit. */
  exceeded?: 'app' | 'workspace';
};

export type WindowUsage = {
  window: number;
  startMs: number;
  workspaceUsed: number;
  rejected: number;
  apps: Record<string, number>;
};

const historyLength = 60;

export function createRateLimiter(options: RateLimiterOptions) {
  const { appLimit, workspaceLimit, windowMs } = options;
  let current = newWindow(-1);
  let history: WindowUsage[] = [];

  function newWindow(window: number) {
    return { window, workspaceUsed: 0, rejected: 0, apps: new Map<string, number>() };
  }

  function windowAt(nowMs: number) {
    const window = Math.floor(nowMs / windowMs);
    if (window !== current.window) {
      if (current.window >= 0) history = [...history.slice(1 - historyLength), usageOf(current)];
      current = newWindow(window);
    }
    return current;
  }

  function usageOf(w: ReturnType<typeof newWindow>): WindowUsage {
    return {
      window: w.window,
      startMs: w.window * windowMs,
      workspaceUsed: w.workspaceUsed,
      rejected: w.rejected,
      apps: Object.fromEntries(w.apps),
    };
  }

  function decide(appId: string, nowMs: number, consume: boolean): RateDecision {
    const w = windowAt(nowMs);
    const appUsed = w.apps.get(appId) ?? 0;
    const resetSeconds = Math.ceil(((w.window + 1) * windowMs) / 1000);
    const exceeded =
      appUsed >= appLimit ? 'app' : w.workspaceUsed >= workspaceLimit ? 'workspace' : undefined;
    if (exceeded) {
      if (consume) w.rejected++;
      return { allowed: false, limit: appLimit, remaining: 0, resetSeconds, exceeded };
    }
    if (consume) {
      w.apps.set(appId, appUsed + 1);
      w.workspaceUsed++;
    }
    const used = consume ? 1 : 0;
    const remaining = Math.min(appLimit - appUsed - used, workspaceLimit - w.workspaceUsed);
    return { allowed: true, limit: appLimit, remaining, resetSeconds };
  }

  return {
    /** Counts one call for `appId` if both quotas allow it. */
    take: (appId: string, nowMs: number) => decide(appId, nowMs, true),
    /** The headers a call would get, without counting it. */
    peek: (appId: string, nowMs: number) => decide(appId, nowMs, false),
    /** Records a call refused for another reason (a 429 storm) in the window's rejected count. */
    countRejected(nowMs: number) {
      windowAt(nowMs).rejected++;
    },
    /** The current window and up to 60 previous ones, oldest first. */
    usage(nowMs: number) {
      return { windowMs, appLimit, workspaceLimit, current: usageOf(windowAt(nowMs)), history };
    },
    reset() {
      current = newWindow(-1);
      history = [];
    },
  };
}

/** Intercom words the window as `10_seconds`. */
export function describeWindow(windowMs: number): string {
  return windowMs % 1000 === 0 ? `${windowMs / 1000}_seconds` : `${windowMs}_milliseconds`;
}
