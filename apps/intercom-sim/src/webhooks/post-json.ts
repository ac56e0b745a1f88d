import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

type PostJsonOptions = {
  headers: Record<string, string>;
  signal: AbortSignal;
  /** Certificates (PEM) trusted for https receivers besides the system's; none: the system's. */
  ca?: string | undefined;
};

/**
 * POSTs `body` and resolves with the receiver's status once its headers arrive (the answer's
 * body is read and dropped); rejects when there is no answer (refused, reset, TLS refused,
 * aborted). node:http(s) rather than fetch, which takes no CA of its own: a receiver on https
 * with a certificate made for a test or a private CA is trusted through `ca`.
 */
export function postJson(url: string, body: string, options: PostJsonOptions): Promise<number> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const request = (secure ? httpsRequest : httpRequest)(
      target,
      {
        method: 'POST',
        headers: { ...options.headers, 'content-length': String(Buffer.byteLength(body)) },
        signal: options.signal,
        ...(secure && options.ca ? { ca: options.ca } : {}),
      },
      (response) => {
        response.resume();
        response.on('error', () => {});
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
