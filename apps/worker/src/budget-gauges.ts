import type { RateBudget } from '@relay/intercom';
import type { Metrics } from '@relay/telemetry';

/**
 * The shared budget as Redis holds it, read at scrape time: allowed per window and taken in
 * the current one (by every process). Utilisation is used ÷ allowed in PromQL.
 */
export function registerBudgetGauges(metrics: Metrics, budget: RateBudget): void {
  metrics.budgetAllowed.set(budget.allowedPerWindow);
  const used = metrics.budgetUsed as typeof metrics.budgetUsed & { collect?: () => Promise<void> };
  Object.assign(used, {
    collect: async () => {
      try {
        const state = await budget.state();
        const currentWindow = Math.floor(Date.now() / budget.windowMs);
        used.set(state.window === currentWindow ? state.used : 0);
        metrics.budgetAllowed.set(state.allowed);
      } catch {
        // Redis is down: keep the last value.
      }
    },
  });
}
