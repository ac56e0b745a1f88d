import { CliError } from './errors.ts';

export type HttpAnswer = {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
};

export type HttpRequest = {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** @defaultValue 10000 */
  timeoutMs?: number;
};

/** A network failure (refused, reset, timeout, DNS): the server gave no answer at all. */
export class NoAnswerError extends CliError {
  constructor(url: string, cause: unknown) {
    super(`${describeUrl(url)} did not answer: ${reason(cause)}`, 1, { cause });
    this.name = 'NoAnswerError';
  }
}

/** One HTTP request with a timeout; any status is an answer, only a network failure throws. */
export async function http(url: string, request: HttpRequest = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method ?? 'GET',
      headers,
      body: request.body === undefined ? null : JSON.stringify(request.body),
      signal: AbortSignal.timeout(request.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new NoAnswerError(url, error);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new NoAnswerError(url, error);
  }
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The `{error:{code,message}}` envelope of the relay's APIs, or a status line. */
export function errorSummary(answer: HttpAnswer): string {
  const error = (answer.json as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (error?.code)
    return `${answer.status} ${error.code}${error.message ? `: ${error.message}` : ''}`;
  return `HTTP ${answer.status}`;
}

/** Scheme, host and path only: a URL in a message never carries credentials or a query. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'the URL';
  }
}

function reason(cause: unknown): string {
  if (cause instanceof Error) {
    if (cause.name === 'TimeoutError') return 'timed out';
    const code = (cause.cause as { code?: string } | undefined)?.code;
    if (code) return code;
    return cause.message;
  }
  return String(cause);
}
