import { isAppError } from '@relay/errors';
import type { IntercomClient } from 'intercom-client';

type Fetcher = NonNullable<IntercomClient.Options['fetcher']>;
type FetcherArgs = Parameters<Fetcher>[0];
type FetcherResult = Awaited<ReturnType<Fetcher>>;
type RawResponse = FetcherResult['rawResponse'];

const NO_RESPONSE: RawResponse = {
  headers: new Headers(),
  redirected: false,
  status: 0,
  statusText: 'No response',
  type: 'error',
  url: '',
};

/**
 * The SDK's `fetcher` option: what the SDK's generated methods call to send a request. The
 * SDK's own (request building with a supplier await per header, AbortSignal chains, a retry
 * loop the relay switches off, and a promise per step) costs about as much CPU per call as
 * the rest of a worker's job; this one does the same work plainly for what the relay sends:
 * JSON bodies, JSON or empty answers, a per-call timeout, no retries (the queue retries).
 * It answers in the SDK's own shapes, so the SDK's methods raise their usual errors.
 * A refusal from the call guard (an AppError: no permit, open circuit) is thrown as it is,
 * so the caller sees its code and wait.
 */
export function createSdkFetcher(fetchFn: typeof fetch): Fetcher {
  return (async (args: FetcherArgs): Promise<FetcherResult> => {
    const headers = await requestHeaders(args);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), args.timeoutMs ?? 30_000);
    const signal = args.abortSignal
      ? AbortSignal.any([timeout.signal, args.abortSignal])
      : timeout.signal;
    let response: Response;
    let text: string;
    try {
      response = await fetchFn(withQuery(args.url, args.queryParameters), {
        method: args.method,
        headers,
        ...(args.body === undefined ? {} : { body: requestBody(args) }),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (isAppError(error)) throw error;
      if (args.abortSignal?.aborted) {
        return failure({ reason: 'unknown', errorMessage: 'The user aborted a request' });
      }
      if (timeout.signal.aborted) return failure({ reason: 'timeout' });
      return failure({
        reason: 'unknown',
        errorMessage: error instanceof Error ? error.message : String(error),
      });
    } finally {
      clearTimeout(timer);
    }
    const rawResponse: RawResponse = {
      headers: response.headers,
      redirected: response.redirected,
      status: response.status,
      statusText: response.statusText,
      type: response.type,
      url: response.url,
    };
    if (response.status >= 200 && response.status < 400) {
      if (text.length === 0) return { ok: true, body: undefined, rawResponse };
      try {
        return { ok: true, body: JSON.parse(text), rawResponse };
      } catch {
        return {
          ok: false,
          error: { reason: 'non-json', statusCode: response.status, rawBody: text },
          rawResponse,
        };
      }
    }
    return {
      ok: false,
      error: { reason: 'status-code', statusCode: response.status, body: errorBody(text) },
      rawResponse,
    };
  }) as Fetcher;
}

function failure(error: Extract<FetcherResult, { ok: false }>['error']): FetcherResult {
  return { ok: false, error, rawResponse: NO_RESPONSE };
}

async function requestHeaders(args: FetcherArgs): Promise<Record<string, string>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (args.body !== undefined && args.contentType != null) {
    headers['content-type'] = args.contentType;
  }
  for (const [name, value] of Object.entries(args.headers ?? {})) {
    const resolved =
      typeof value === 'function'
        ? await value({ endpointMetadata: args.endpointMetadata ?? {} })
        : value;
    if (resolved != null) headers[name.toLowerCase()] = String(resolved);
  }
  return headers;
}

function requestBody(args: FetcherArgs): string {
  if (typeof args.body === 'string' && !args.requestType?.includes('json')) return args.body;
  if (args.requestType === undefined || args.requestType.includes('json')) {
    return JSON.stringify(args.body);
  }
  throw new TypeError(`the Intercom fetcher sends JSON bodies only, not ${args.requestType}`);
}

/** An error answer's body: Intercom's JSON envelope, or the text when it is not JSON. */
function errorBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The SDK's query string: arrays as repeated keys, objects as key[field], nothing for null. */
function withQuery(url: string, query: Record<string, unknown> | undefined): string {
  if (!query) return url;
  const parts: string[] = [];
  appendQuery(parts, query, '');
  return parts.length === 0 ? url : `${url}?${parts.join('&')}`;
}

function appendQuery(parts: string[], value: Record<string, unknown>, prefix: string): void {
  for (const [key, item] of Object.entries(value)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    if (item === undefined) continue;
    const items = Array.isArray(item) ? item : [item];
    for (const one of items) {
      if (one === undefined) continue;
      if (typeof one === 'object' && one !== null) {
        appendQuery(parts, one as Record<string, unknown>, name);
      } else {
        parts.push(
          `${encodeURIComponent(name)}=${one === null ? '' : encodeURIComponent(String(one))}`,
        );
      }
    }
  }
}
