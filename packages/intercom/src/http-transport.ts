import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { LightHeaders, LightResponse } from './light-response.ts';

/** Statuses whose responses carry no body. */
const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * A `fetch` for the SDK over node:http(s) with keep-alive agents, answering a LightResponse.
 * The global fetch (undici) costs about 100 µs more CPU per call on this path, and a real
 * Response about 20 µs more (web streams), and the worker spends its CPU on little else:
 * measured in bench/worker-overhead.
 * Enough of fetch for a JSON API: method, headers, string bodies, abort signal (the SDK's
 * timeout), no redirects and no compression (Intercom's API uses neither unasked).
 */
export function createHttpTransport(options: { maxSockets?: number } = {}): typeof fetch {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 256 };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };

  return (input, init = {}) => {
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input : input.url,
    );
    const secure = url.protocol === 'https:';
    const method = (init.method ?? 'GET').toUpperCase();
    const body = init.body;
    if (body != null && typeof body !== 'string') {
      return Promise.reject(new TypeError('the Intercom transport sends string bodies only'));
    }
    return new Promise<Response>((resolve, reject) => {
      const send = secure ? httpsRequest : httpRequest;
      const outgoing = send(
        url,
        {
          method,
          agent: secure ? agents.https : agents.http,
          headers: plainHeaders(init.headers),
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (incoming) => collect(incoming, method, url.href).then(resolve, reject),
      );
      outgoing.on('error', reject);
      outgoing.end(body ?? undefined);
    });
  };
}

async function collect(incoming: IncomingMessage, method: string, url: string): Promise<Response> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const status = incoming.statusCode ?? 502;
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const hasBody = !NO_BODY.has(status) && method !== 'HEAD';
  return new LightResponse({
    status,
    statusText: incoming.statusMessage ?? '',
    headers: new LightHeaders(headers),
    url,
    text: hasBody ? Buffer.concat(chunks).toString('utf8') : '',
  }) as unknown as Response;
}

function plainHeaders(headers: RequestInit['headers']): Record<string, string> {
  const plain: Record<string, string> = {};
  if (!headers) return plain;
  if (headers instanceof Headers) {
    headers.forEach((value, name) => {
      plain[name] = value;
    });
  } else if (Array.isArray(headers)) {
    for (const [name, value] of headers) if (name !== undefined) plain[name] = String(value);
  } else {
    Object.assign(plain, headers);
  }
  return plain;
}
