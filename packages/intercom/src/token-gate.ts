import { AppError } from '@relay/errors';

export type TokenGateOptions = {
  /** The access token now (a `NAME_FILE` secret re-reads its file when it changed). */
  token: () => string;
  /** How long a refused token is not tried again, unless it changes. @defaultValue 60000 */
  holdMs?: number;
  /** How soon a held call may look again whether the token changed. @defaultValue 1000 */
  checkMs?: number;
  now?: () => number;
};

/**
 * After Intercom answers 401 to the access token, calls with that same token wait instead of
 * collecting more 401s: they are refused here, without a call, with a short `retryAfterMs`
 * so that their queue looks again soon. A new token in the file lets the next call through at
 * once; the refused token itself is tried again by one call per `holdMs` (a token can be
 * re-enabled). Before this, a 401 held its queue for a minute whatever the file said.
 */
export function createTokenGate(options: TokenGateOptions) {
  const holdMs = options.holdMs ?? 60_000;
  const checkMs = options.checkMs ?? 1_000;
  const now = options.now ?? Date.now;
  let refused: { token: string; retryAt: number } | undefined;

  return {
    checkMs,
    /** Before a call: throws INTERCOM_UNAUTHORIZED while the refused token is still the one in use. */
    admit(): void {
      if (!refused) return;
      if (options.token() !== refused.token) {
        refused = undefined;
        return;
      }
      if (now() >= refused.retryAt) {
        refused.retryAt = now() + holdMs; // this call tries the token again; the rest keep waiting
        return;
      }
      throw new AppError(
        'INTERCOM_UNAUTHORIZED',
        'Intercom refused the access token: calls wait for a valid one',
        { retryAfterMs: checkMs, details: { source: 'token_gate' } },
      );
    },
    /** Intercom answered 401 to a call made with `token`. */
    refuse(token: string): void {
      refused = { token, retryAt: now() + holdMs };
    },
  };
}

export type TokenGate = ReturnType<typeof createTokenGate>;
