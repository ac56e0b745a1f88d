import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SinkDelivery = {
  headers: IncomingHttpHeaders;
  /** The body as sent: what the signature covers. */
  raw: string;
  /** The status this receiver answered. */
  answered: number;
};

export type SinkReceiver = {
  readonly url: string;
  readonly deliveries: SinkDelivery[];
  /** Answer 500 to the next `times` deliveries for which `match` holds (then 200 again). */
  failNext(match: (notification: { id: string; topic: string }) => boolean, times?: number): void;
  close(): Promise<void>;
};

/**
 * The CRM's end of CONVERSATION_SINK=http: a local HTTP server that records every delivery
 * and answers 200, or 500 when told to fail the next matching ones.
 */
export async function startSinkReceiver(): Promise<SinkReceiver> {
  const deliveries: SinkDelivery[] = [];
  let failing: { match: (n: { id: string; topic: string }) => boolean; left: number } | undefined;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let answered = 200;
      try {
        const notification = JSON.parse(raw) as { id: string; topic: string };
        if (failing && failing.left > 0 && failing.match(notification)) {
          failing.left -= 1;
          answered = 500;
        }
      } catch {
        answered = 400;
      }
      deliveries.push({ headers: request.headers, raw, answered });
      response.writeHead(answered, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/conversations`,
    deliveries,
    failNext(match, times = 1) {
      failing = { match, left: times };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** `X-Relay-Signature: sha256=<hex HMAC-SHA256(secret, body)>`, as docs/configuration.md documents it. */
export function hasValidRelaySignature(delivery: SinkDelivery, secret: string): boolean {
  const header = delivery.headers['x-relay-signature'];
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(delivery.raw).digest();
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
