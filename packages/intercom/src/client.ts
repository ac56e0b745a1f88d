import { AppError } from '@relay/errors';
import type { Metrics } from '@relay/telemetry';
import { IntercomClient as Sdk } from 'intercom-client';
import type { AuthHold } from './auth-hold/auth-hold.ts';
import { type IntercomClient, intercomClientOver } from './client-methods.ts';
import { createHttpTransport } from './http-transport.ts';
import { type CallObserver, createInstrumentedFetch } from './instrumented-fetch.ts';
import { toAppError } from './map-error.ts';
import { createSdkFetcher } from './sdk-fetcher.ts';

export type IntercomClientOptions = {
  /** e.g. https://api.intercom.io, a regional host, or the simulator. */
  baseUrl: string;
  /** Read on every call, so a rotated token (NAME_FILE) applies without a restart. */
  token: () => string;
  /** @defaultValue '2.14' */
  version?: string;
  /**
   * Per-call timeout; the SDK aborts the request when it passes.
   * @defaultValue 30000
   */
  timeoutMs?: number;
  metrics?: Metrics;
  observer?: CallObserver;
  /**
   * Holds calls after a 401 until a call with the token succeeds or the token changes (shared
   * by a process's clients, and through Redis by every process). With it, a 401 is retried
   * once when the token changed meanwhile: a call in flight during a rotation met the token
   * just revoked.
   */
  authHold?: AuthHold;
  /** This client probes the hold: its calls go out while others are held. @defaultValue false */
  probesAuthHold?: boolean;
  /** For tests: the fetch that reaches the network. */
  fetch?: typeof fetch;
};

/**
 * The only door to Intercom. Retries are off in the SDK (`maxRetries: 0`): retrying belongs
 * to the queue, where the rate budget and the metrics see every attempt. Every failure comes
 * out as an AppError with a code, the Intercom request_id and, for 429s, how long to wait.
 */
export function createIntercomClient(options: IntercomClientOptions) {
  const sdk = new Sdk({
    baseUrl: options.baseUrl,
    token: () => options.token(),
    version: (options.version ?? '2.14') as Sdk.Options['version'],
    maxRetries: 0,
    timeoutInSeconds: (options.timeoutMs ?? 30_000) / 1000,
    fetcher: createSdkFetcher(
      createInstrumentedFetch(
        options.metrics,
        options.observer,
        options.fetch ?? createHttpTransport(),
      ),
    ),
  });

  async function call<T>(operation: () => Promise<T>): Promise<T> {
    const hold = options.authHold;
    if (hold && !options.probesAuthHold) hold.admit();
    const token = hold ? options.token() : '';
    try {
      const result = await operation();
      hold?.accepted(token);
      return result;
    } catch (error) {
      const failure = toAppError(error);
      if (!hold) throw failure;
      if (failure.status !== 401) {
        if (pastAuthentication(failure.status)) hold.accepted(token);
        throw failure;
      }
      if (options.token() !== token) return call(operation); // the file was re-read: a new token
      hold.refused(token, failure);
      throw new AppError(failure.code, failure.message, {
        cause: failure.cause,
        requestId: failure.requestId,
        status: failure.status,
        details: failure.details,
        retryAfterMs: hold.checkMs,
      });
    }
  }

  return intercomClientOver(sdk, call, call);
}

/**
 * Intercom looked at the token and took it: a garbled 2xx, or a 4xx about the request itself
 * (403 included: the token is valid, a scope is missing); not a 401, nor a 408 (a timeout).
 */
function pastAuthentication(status: number | undefined): boolean {
  return status !== undefined && status < 500 && status !== 401 && status !== 408;
}

export type { IntercomClient };
