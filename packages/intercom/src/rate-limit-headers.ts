/** What Intercom's X-RateLimit-* headers say about the current window. */
export type RateLimitSnapshot = {
  /** Calls allowed in the window. */
  limit: number;
  remaining: number;
  /** When the window resets, in ms since epoch (the header is epoch seconds). */
  resetAtMs: number;
};

export function readRateLimitHeaders(headers: Headers): RateLimitSnapshot | undefined {
  const limit = Number(headers.get('x-ratelimit-limit'));
  const remaining = Number(headers.get('x-ratelimit-remaining'));
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (!headers.has('x-ratelimit-limit') || !Number.isFinite(limit) || !Number.isFinite(remaining)) {
    return undefined;
  }
  return { limit, remaining, resetAtMs: Number.isFinite(reset) && reset > 0 ? reset * 1000 : 0 };
}
