import { AppError } from '@relay/errors';
import type { RateBudget } from './budget/rate-budget.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import type { CallObserver } from './instrumented-fetch.ts';

export type CallGuardOptions = {
  /** The lane the calls are made for: it decides who goes first when the budget is short. */
  lane: string;
  budget?: RateBudget | undefined;
  breaker?: CircuitBreaker | undefined;
  /**
   * How long a call may wait for the next window before it is refused. Queue workers wait in
   * the queue instead (0, the default); a caller answering an HTTP request waits a little, so
   * that a read landing in a window's last moments is not turned away.
   */
  maxWaitMs?: number;
  /** Hears failures to update the budget from headers (they never fail a call). */
  onBudgetError?: (error: unknown) => void;
};

/**
 * No call leaves without the circuit's admission and a permit from the shared budget. A
 * refusal is an AppError with the wait in `retryAfterMs`, which the queue turns into a wait
 * that costs the job no attempt. Every answer corrects the budget; a 429 closes it for all.
 */
export function createCallGuard(options: CallGuardOptions): CallObserver {
  const { budget, breaker, lane } = options;
  let limitSeen = 0;
  return {
    async beforeCall() {
      const admission = breaker?.admit() ?? { allowed: true, probe: false };
      if (!admission.allowed) {
        throw new AppError('INTERCOM_CIRCUIT_OPEN', 'Intercom looks down: calls are on hold', {
          retryAfterMs: admission.retryAfterMs,
          sentNothing: true,
        });
      }
      if (budget) {
        let permit: Awaited<ReturnType<RateBudget['acquire']>>;
        try {
          permit = await acquireWithin(budget, lane, options.maxWaitMs ?? 0);
        } catch (cause) {
          breaker?.cancel(admission.probe);
          throw new AppError('QUEUE_UNAVAILABLE', 'the rate budget in Redis could not be read', {
            cause,
            retryAfterMs: 1_000,
          });
        }
        if (!permit.granted) {
          breaker?.cancel(admission.probe);
          throw new AppError('INTERCOM_RATE_LIMITED', 'rate budget spent for this window', {
            retryAfterMs: permit.waitMs,
            details: { source: 'budget' },
            sentNothing: true,
          });
        }
      }
      return (status) => breaker?.record(isOutage(status), admission.probe);
    },

    onRateLimit(snapshot, status) {
      if (!budget) return;
      // While more than half the window is left, a correction cannot change any decision
      // soon; skipping it saves a Redis round trip on most calls.
      const worthTelling =
        status === 429 || snapshot.limit !== limitSeen || snapshot.remaining * 2 <= snapshot.limit;
      if (!worthTelling) return;
      limitSeen = snapshot.limit;
      const observed = budget.observe(snapshot, status).catch((error: unknown) => {
        options.onBudgetError?.(error);
      });
      // Everyone must see a 429's closed budget before this job decides what to do next.
      return status === 429 ? observed : undefined;
    },
  };
}

async function acquireWithin(budget: RateBudget, lane: string, maxWaitMs: number) {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const permit = await budget.acquire(lane);
    if (permit.granted || Date.now() + permit.waitMs > deadline) return permit;
    await new Promise((resolve) => setTimeout(resolve, permit.waitMs));
  }
}

/** Intercom looks down: no answer, 408 or 5xx. A 4xx or 429 says it is up. */
function isOutage(status: number | undefined): boolean {
  return status === undefined || status === 408 || status >= 500;
}
