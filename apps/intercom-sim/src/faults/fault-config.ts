/**
 * What can go wrong, as JSON (start-up `--faults`, `POST /__sim/faults`). Rates are
 * probabilities in [0, 1] drawn per request; 1 means every request.
 */
export type FaultConfig = {
  /** Every API call answers 503 before any effect. */
  outage?: boolean;
  /** Status → probability, e.g. `{ "503": 0.3 }`; answered before any effect. */
  errorRates?: Record<string, number>;
  /** Added before each API answer: fixed, or uniform between min and max. */
  latencyMs?: number | { min: number; max: number };
  /** Accept the request and never answer it. */
  hangRate?: number;
  /** Destroy the socket without answering. */
  connectionResetRate?: number;
  /** Cut a successful answer's JSON body in half; the effect of the call IS applied. */
  malformedRate?: number;
  /** Every authenticated call answers 429 until this epoch-ms instant. */
  rateLimitedUntil?: number;
  /** Shorthand for `rateLimitedUntil: now + N` (input only). */
  rateLimitedForMs?: number;
  /** These tokens answer 401 `token_revoked`. */
  revokedTokens?: string[];
};

const rateKeys = ['hangRate', 'connectionResetRate', 'malformedRate'] as const;
const knownKeys = new Set<string>([
  'outage',
  'errorRates',
  'latencyMs',
  ...rateKeys,
  'rateLimitedUntil',
  'rateLimitedForMs',
  'revokedTokens',
]);

const isRate = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;
const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Checks untrusted JSON; returns the config with `rateLimitedForMs` turned into an instant. */
export function parseFaultConfig(
  input: unknown,
  nowMs: number,
): { config: FaultConfig } | { problems: string[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { problems: ['faults must be a JSON object'] };
  }
  const raw = input as Record<string, unknown>;
  const problems = Object.keys(raw)
    .filter((key) => !knownKeys.has(key))
    .map((key) => `unknown fault "${key}"`);
  if (raw.outage !== undefined && typeof raw.outage !== 'boolean') {
    problems.push('outage must be a boolean');
  }
  for (const key of rateKeys) {
    if (raw[key] !== undefined && !isRate(raw[key])) problems.push(`${key} must be in [0, 1]`);
  }
  problems.push(...errorRateProblems(raw.errorRates), ...latencyProblems(raw.latencyMs));
  for (const key of ['rateLimitedUntil', 'rateLimitedForMs'] as const) {
    if (raw[key] !== undefined && !isMs(raw[key])) problems.push(`${key} must be a number ≥ 0`);
  }
  const revoked = raw.revokedTokens;
  if (revoked !== undefined && !isStringArray(revoked)) {
    problems.push('revokedTokens must be an array of strings');
  }
  if (problems.length > 0) return { problems };

  const { rateLimitedForMs, ...config } = raw as FaultConfig;
  if (rateLimitedForMs !== undefined) config.rateLimitedUntil = nowMs + rateLimitedForMs;
  return { config };
}

function errorRateProblems(value: unknown): string[] {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null) return ['errorRates must be an object'];
  return Object.entries(value).flatMap(([status, rate]) => {
    const code = Number(status);
    if (!Number.isInteger(code) || code < 400 || code > 599) {
      return [`errorRates key "${status}" must be an HTTP status 400-599`];
    }
    return isRate(rate) ? [] : [`errorRates["${status}"] must be in [0, 1]`];
  });
}

function latencyProblems(value: unknown): string[] {
  if (value === undefined || isMs(value)) return [];
  if (typeof value === 'object' && value !== null) {
    const { min, max } = value as { min?: unknown; max?: unknown };
    if (isMs(min) && isMs(max) && min <= max) return [];
  }
  return ['latencyMs must be a number ≥ 0 or { "min": a, "max": b } with a ≤ b'];
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
