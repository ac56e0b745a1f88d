import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Notification } from '../src/webhooks/notification.ts';

type ReceivedWebhook = { headers: IncomingHttpHeaders; rawBody: string; body: Notification };

/**
 * A local webhook endpoint. `answer` decides each reply: a status, or 'hang' to never answer.
 */
export async function startWebhookReceiver(answer: (n: number) => number | 'hang' = () => 200) {
  const received: ReceivedWebhook[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((request, response) => {
    let rawBody = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      rawBody += chunk;
    });
    request.on('end', () => {
      received.push({
        headers: request.headers,
        rawBody,
        body: JSON.parse(rawBody) as Notification,
      });
      const reply = answer(received.length);
      if (reply === 'hang') hanging.push(response);
      else response.writeHead(reply).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/intercom`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
