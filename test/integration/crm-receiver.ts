import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

type Received = {
  id: string;
  body: string;
  change: { type: string; data: Record<string, unknown> & { id: string; version?: number } };
  /** Per secret of the receiver: whether the delivery verified with it. */
  verified: boolean[];
  at: number;
  /** What the receiver answered (0 until it has). */
  status: number;
};

type Answer = { status: number; headers?: Record<string, string> };

/**
 * The CRM's side: a real HTTP server that verifies every delivery with the `standardwebhooks`
 * package (an implementation no one here wrote) against each of its secrets, keeps what it
 * got, and answers as told (`answer`, 204 by default).
 */
export async function startCrmReceiver(secrets: string[]) {
  const verifiers = secrets.map((secret) => new Webhook(secret));
  const received: Received[] = [];
  let answer: (request: Received) => Answer | Promise<Answer> = () => ({ status: 204 });
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = {
      'webhook-id': String(req.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
    };
    const verified = verifiers.map((verifier) => {
      try {
        verifier.verify(body, headers);
        return true;
      } catch {
        return false;
      }
    });
    const request: Received = {
      id: headers['webhook-id'],
      body,
      change: JSON.parse(body),
      verified,
      at: Date.now(),
      status: 0,
    };
    received.push(request);
    const { status, headers: extra } = await answer(request);
    request.status = status;
    res.writeHead(status, extra);
    res.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/crm/webhooks`,
    received,
    /** What the receiver answers from now on. */
    answerWith(next: typeof answer) {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type CrmReceiver = Awaited<ReturnType<typeof startCrmReceiver>>;
