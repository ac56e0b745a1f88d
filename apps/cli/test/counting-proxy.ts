import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Stands between the CLI and the ingress: counts every external_id POSTed to /v1/contacts
 * (so a test can tell a row sent twice from one sent once) and can hold the Nth request,
 * to interrupt the CLI while a batch is in flight.
 */
export async function startCountingProxy(target: string) {
  const sent = new Map<string, number>();
  const paths = new Set<string>();
  let requests = 0;
  let hold: { nth: number; arrived: () => void; release: Promise<void> } | undefined;
  const fakes = new Map<number, { status: number; body: unknown; retryAfter?: string }>();
  const inFlight = new Set<Promise<void>>();

  const server = createServer((request, response) => {
    const work = (async () => {
      const body = await readBody(request);
      if (request.method === 'POST' && request.url?.startsWith('/v1/contacts')) {
        requests++;
        paths.add(request.url);
        for (const contact of (JSON.parse(body) as { contacts: { external_id: string }[] })
          .contacts) {
          sent.set(contact.external_id, (sent.get(contact.external_id) ?? 0) + 1);
        }
        if (hold && requests === hold.nth) {
          hold.arrived();
          await hold.release;
        }
        const fake = fakes.get(requests);
        if (fake) {
          response.writeHead(fake.status, {
            'content-type': 'application/json',
            ...(fake.retryAfter ? { 'retry-after': fake.retryAfter } : {}),
          });
          response.end(JSON.stringify(fake.body));
          return;
        }
      }
      const answer = await fetch(`${target}${request.url}`, {
        method: request.method ?? 'GET',
        headers: {
          authorization: request.headers.authorization ?? '',
          'content-type': request.headers['content-type'] ?? 'application/json',
        },
        body: request.method === 'POST' ? body : null,
      });
      const text = await answer.text();
      const retryAfter = answer.headers.get('retry-after');
      response.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
        ...(retryAfter ? { 'retry-after': retryAfter } : {}),
      });
      response.end(text);
    })().catch(() => {
      response.destroy(); // the CLI may be gone (killed mid-request)
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    /** external_id → how many times it was POSTed. */
    sent,
    /** Every path (with its query) contacts were POSTed to. */
    paths,
    /** Holds the nth POST /v1/contacts (counting from now) until `release()`. */
    holdRequest(nth: number) {
      let arrived!: () => void;
      let release!: () => void;
      const arrival = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      hold = {
        nth: requests + nth,
        arrived,
        release: new Promise((resolve) => {
          release = resolve;
        }),
      };
      return { arrival, release: () => release() };
    },
    /** Answers the nth POST /v1/contacts (counting from now) itself, without forwarding it. */
    answerRequest(nth: number, answer: { status: number; body: unknown; retryAfter?: string }) {
      fakes.set(requests + nth, answer);
    },
    /** Resolves once every request taken so far has been forwarded and answered. */
    async idle() {
      await Promise.all([...inFlight]);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
