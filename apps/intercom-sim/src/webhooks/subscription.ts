/** Intercom's limits on a webhook subscription (FACTS.md, Webhooks); all configurable. */
export type DeliveryLimits = {
  /** First delay after a 429 (Intercom: 1 min); each further 429 doubles it. */
  throttleDelayMs: number;
  /** A notification throttled for longer than this in total is dropped (Intercom: 2 h). */
  throttleMaxMs: number;
  /** More than this many consecutive errors on a topic pause it (Intercom: 1,000)... */
  pauseErrorThreshold: number;
  /** ...when they all fall within this window (Intercom: 15 min)... */
  pauseWindowMs: number;
  /** ...for this long (Intercom: 15 min). */
  pauseMs: number;
};

export type SubscriptionView = {
  url: string;
  state: 'active' | 'disabled';
  /** When a 410 answer disabled it (epoch ms), else null. */
  disabledAt: number | null;
  /** Paused topics and when each resumes (epoch ms). */
  pausedTopics: Record<string, number>;
};

/**
 * One receiver URL as Intercom tracks it: a 410 disables it for good (until reset), and a run
 * of errors on one topic pauses that topic. Times come from the simulator's clock.
 */
export function createSubscription(url: string, limits: DeliveryLimits) {
  let disabledAt: number | null = null;
  /** Per topic, the times of the errors since its last success. */
  const errorRuns = new Map<string, number[]>();
  const pausedUntil = new Map<string, number>();

  return {
    url,
    isDisabled: () => disabledAt !== null,
    disable(at: number) {
      disabledAt ??= at;
    },
    isPaused(topic: string, at: number): boolean {
      const until = pausedUntil.get(topic);
      if (until === undefined) return false;
      if (at < until) return true;
      pausedUntil.delete(topic);
      return false;
    },
    recordSuccess(topic: string) {
      errorRuns.delete(topic);
    },
    /** Returns true when this error paused the topic. */
    recordError(topic: string, at: number): boolean {
      const run = (errorRuns.get(topic) ?? []).filter((t) => t > at - limits.pauseWindowMs);
      run.push(at);
      if (run.length <= limits.pauseErrorThreshold) {
        errorRuns.set(topic, run);
        return false;
      }
      errorRuns.delete(topic);
      pausedUntil.set(topic, at + limits.pauseMs);
      return true;
    },
    view(at: number): SubscriptionView {
      const paused = [...pausedUntil].filter(([, until]) => until > at);
      return {
        url,
        state: disabledAt === null ? 'active' : 'disabled',
        disabledAt,
        pausedTopics: Object.fromEntries(paused),
      };
    },
  };
}

export type Subscription = ReturnType<typeof createSubscription>;
