/**
 * Webhook delivery faults beyond Intercom's own rules, for tests and benchmarks of a receiver:
 * notifications lost outright, and notifications held back so later ones overtake them.
 */
export type WebhookFaults = {
  /** Share of notifications lost: no attempt is ever made (counted `lost`). */
  dropShare: number;
  /** Share held back `reorderDelayMs` before their first attempt (counted `reordered`). */
  reorderShare: number;
  reorderDelayMs: number;
};

export const defaultWebhookFaults: WebhookFaults = {
  dropShare: 0,
  reorderShare: 0,
  reorderDelayMs: 300,
};

/** What becomes of one notification. */
export type NotificationFate = 'lose' | 'hold' | 'send';

const isShare = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

/** Checks untrusted JSON (`POST /__sim/webhooks/faults`): the keys given, or the problems. */
export function parseWebhookFaults(
  input: unknown,
): { faults: Partial<WebhookFaults> } | { problems: string[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { problems: ['webhook faults must be a JSON object'] };
  }
  const raw = input as Record<string, unknown>;
  const problems = Object.keys(raw)
    .filter((key) => !(key in defaultWebhookFaults))
    .map((key) => `unknown webhook fault "${key}"`);
  for (const key of ['dropShare', 'reorderShare'] as const) {
    if (raw[key] !== undefined && !isShare(raw[key])) problems.push(`${key} must be in [0, 1]`);
  }
  const delay = raw.reorderDelayMs;
  if (delay !== undefined && !(Number.isInteger(delay) && (delay as number) >= 0)) {
    problems.push('reorderDelayMs must be an integer ≥ 0');
  }
  return problems.length > 0 ? { problems } : { faults: raw as Partial<WebhookFaults> };
}

/**
 * The active webhook faults over a start-up baseline (`set` merges, `clear` returns to it),
 * and the draw for each notification from the simulator's random source. Nothing is drawn
 * while a share is 0, so enabling these faults does not shift the API faults' draws.
 */
export function createDeliveryFaults(baseline: WebhookFaults, random: () => number) {
  let active = { ...baseline };
  return {
    config: (): WebhookFaults => active,
    set(patch: Partial<WebhookFaults>) {
      active = { ...active, ...patch };
    },
    clear() {
      active = { ...baseline };
    },
    draw(): NotificationFate {
      if (active.dropShare > 0 && random() < active.dropShare) return 'lose';
      if (active.reorderShare > 0 && random() < active.reorderShare) return 'hold';
      return 'send';
    },
  };
}
