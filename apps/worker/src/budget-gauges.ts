import type { RateBudget } from '@relay/intercom';
import { createScrapeSample, type Metrics } from '@relay/telemetry';

/**
 * The shared budget as Redis holds it, read at scrape time: allowed per window and taken in
 * the current one (by every process). Utilisation is used ÷ allowed in PromQL. A scrape waits
 * for Redis only briefly: while Redis does not answer, the last values are served and
 * relay_redis_gauges_age_seconds says how old they are.
 */
export function registerBudgetGauges(metrics: Metrics, budget: RateBudget): void {
  metrics.budgetAllowed.set(budget.allowedPerWindow);
  const sample = createScrapeSample({
    age: metrics.redisGaugesAge,
    read: async () => {
      const state = await budget.state();
      const currentWindow = Math.floor(Date.now() / budget.windowMs);
      metrics.budgetUsed.set(state.window === currentWindow ? state.used : 0);
      metrics.budgetAllowed.set(state.allowed);
    },
  });
  sample.attach(metrics.budgetUsed, metrics.budgetAllowed);
}
