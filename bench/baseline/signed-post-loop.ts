/**
 * The baseline of the push throughput benchmark, as a process of its own: COUNT signed
 * Standard Webhooks POSTs (node:crypto HMAC-SHA256, as the relay signs) of changes the size
 * the relay sends, over kept-alive connections, CONCURRENCY at a time, to URL. Nothing else:
 * no Redis, no queue. Prints {"event":"ready"} and starts at once.
 */
import { createHmac, createSecretKey } from 'node:crypto';
import http from 'node:http';
import { benchChange } from '../lib/push-changes.ts';

const url = new URL(process.env.URL ?? '');
const secret = createSecretKey(
  Buffer.from((process.env.SECRET ?? '').replace(/^whsec_/, ''), 'base64'),
);
const concurrency = Number(process.env.CONCURRENCY ?? 20);
const count = Number(process.env.COUNT ?? 10_000);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function post(i: number): Promise<number> {
  const id = `chg_1796000000000-${i}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    type: 'contact.updated',
    timestamp: new Date().toISOString(),
    data: { id, ...benchChange(i).data },
  });
  const signature = `v1,${createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

console.log(JSON.stringify({ event: 'ready' }));
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < count) await post(next++);
  }),
);
agent.destroy();
