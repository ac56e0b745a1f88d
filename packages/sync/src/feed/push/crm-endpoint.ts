import http from 'node:http';
import https from 'node:https';

/** What the CRM's endpoint answered: `status` 0 when it did not answer (timeout, refused, reset). */
export type EndpointAnswer = {
  status: number;
  /** From `Retry-After` (seconds or an HTTP date), when given. */
  retryAfterMs?: number;
  /** Why there was no answer (`timeout`, an errno code): for logs, no URL and no body. */
  failure?: string;
};

export type CrmEndpointOptions = {
  url: string;
  timeoutMs: number;
  /** Connections kept open to the endpoint (the deliveries' concurrency). */
  maxSockets: number;
};

/** The most of a response body read (it is never logged nor kept): the rest is dropped. */
const BODY_LIMIT_BYTES = 4_096;

export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Standard Webhooks' headers of one delivery. */
export type DeliveryHeaders = { id: string; timestamp: string; signature: string };

/**
 * POSTs to the CRM's webhook endpoint over kept-alive connections. A redirect is an answer
 * like any other non-2xx (not followed: the signed body must not go elsewhere). The response
 * body is read up to BODY_LIMIT_BYTES and dropped, so the connection can be reused.
 * Per delivery, as little as Node's client allows (bench/push-throughput.ts): the request's
 * options are made once, headers go as a raw array (no per-header validation; Host included,
 * as Node adds it only to an object), and one timer sweeps every request's deadline.
 */
export function createCrmEndpoint(options: CrmEndpointOptions) {
  const url = new URL(options.url);
  const secure = url.protocol === 'https:';
  const agent = new (secure ? https : http).Agent({
    keepAlive: true,
    maxSockets: options.maxSockets,
    maxFreeSockets: options.maxSockets,
  });
  const request = secure ? https.request : http.request;
  const target = {
    protocol: url.protocol,
    hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
    port: url.port || (secure ? 443 : 80),
    path: `${url.pathname}${url.search}`,
    method: 'POST',
    agent,
  };
  const host = url.host;
  const pending = new Set<{ deadline: number; abort: () => void }>();
  let sweeper: NodeJS.Timeout | undefined;
  const sweepEveryMs = Math.max(10, Math.min(250, Math.floor(options.timeoutMs / 10)));

  function sweep(): void {
    const now = Date.now();
    for (const entry of pending) if (entry.deadline <= now) entry.abort();
    if (pending.size === 0 && sweeper) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  }

  function post(signed: DeliveryHeaders, body: string): Promise<EndpointAnswer> {
    return new Promise((resolve) => {
      const entry = {
        deadline: Date.now() + options.timeoutMs,
        abort: () => {
          req.destroy();
          finish({ status: 0, failure: 'timeout' });
        },
      };
      const finish = (answer: EndpointAnswer) => {
        if (!pending.delete(entry)) return;
        resolve(answer);
      };
      const req = request(
        {
          ...target,
          headers: [
            'host',
            host,
            'content-type',
            'application/json',
            'content-length',
            String(Buffer.byteLength(body)),
            'user-agent',
            'intercom-relay',
            'webhook-id',
            signed.id,
            'webhook-timestamp',
            signed.timestamp,
            'webhook-signature',
            signed.signature,
          ],
        },
        (res) => {
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > BODY_LIMIT_BYTES) res.destroy(); // a huge answer is not read to its end
          });
          const answered = () => {
            const status = res.statusCode ?? 0;
            const after = retryAfterMs(res.headers['retry-after']);
            finish(after === undefined ? { status } : { status, retryAfterMs: after });
          };
          res.on('end', answered);
          res.on('close', answered);
          res.on('error', answered); // an aborted answer: 'close' follows, and it must not throw
        },
      );
      pending.add(entry);
      sweeper ??= setInterval(sweep, sweepEveryMs);
      req.on('error', (error: NodeJS.ErrnoException) => {
        finish({ status: 0, failure: error.code ?? 'error' });
      });
      req.end(body);
    });
  }

  return {
    post,
    close: () => {
      if (sweeper) clearInterval(sweeper);
      agent.destroy();
    },
  };
}

export type CrmEndpoint = ReturnType<typeof createCrmEndpoint>;

/** Whether a URL may receive changes: https, or http to this host (or when allowed). */
export function endpointUrlProblem(value: string, allowHttp: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'CRM_WEBHOOK_URL must be a URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return `CRM_WEBHOOK_URL must use https (got ${url.protocol})`;
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (local || allowHttp) return undefined;
  return 'CRM_WEBHOOK_URL must use https: changes carry personal data (http is allowed only to localhost, or with CRM_WEBHOOK_ALLOW_HTTP=true)';
}
