/**
 * The CRM's side for the push benchmarks, as a process of its own: answers every POST at once
 * (204, or what `POST /__answer {"status":503}` set), and counts. With RECEIVER_KEEP=1 it keeps,
 * per record, the versions and names it answered 2xx to, in order (the outage benchmark).
 * `GET /__stats` → {received, ok, records?}. Prints {"event":"ready","port":…}.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const keep = process.env.RECEIVER_KEEP === '1';
let status = 204;
let received = 0;
let ok = 0;
const records: Record<string, { v: number; name: unknown; at: number }[]> = {};

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    if (req.url === '/__stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ received, ok, ...(keep ? { records } : {}) }));
      return;
    }
    if (req.url === '/__answer') {
      status = (JSON.parse(Buffer.concat(chunks).toString()) as { status: number }).status;
      res.writeHead(204);
      res.end();
      return;
    }
    received += 1;
    const answer = status;
    if (answer >= 200 && answer < 300) {
      ok += 1;
      if (keep) {
        const change = JSON.parse(Buffer.concat(chunks).toString()) as {
          data: { intercom_id: string; version?: number; attributes?: { name?: unknown } };
        };
        const list = records[change.data.intercom_id] ?? [];
        records[change.data.intercom_id] = list;
        list.push({
          v: change.data.version ?? 0,
          name: change.data.attributes?.name,
          at: Date.now(),
        });
      }
    }
    res.writeHead(answer);
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ event: 'ready', port }));
});
