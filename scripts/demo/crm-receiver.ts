import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * The demo's CRM: receives the change feed the relay pushes (Standard Webhooks), verifies each
 * delivery's signature with the `standardwebhooks` package as a CRM would, and keeps the
 * changes that verified. Answers 204, or 401 to a signature that does not verify.
 */
export async function startDemoCrm(secret: string) {
  const verifier = new Webhook(secret);
  const changes: {
    type: string;
    data: { intercom_id: string; external_id?: string | null; changed?: string[] };
  }[] = [];
  let refused = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const change = verifier.verify(Buffer.concat(chunks).toString('utf8'), {
          'webhook-id': String(req.headers['webhook-id'] ?? ''),
          'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
          'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
        }) as (typeof changes)[number];
        changes.push(change);
        res.writeHead(204).end();
      } catch {
        refused += 1;
        res.writeHead(401).end();
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/crm/changes`,
    changes,
    refused: () => refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
