/**
 * Baseline for the worker-overhead benchmark: a bare BullMQ worker making the same HTTP call
 * the relay makes for a new contact (POST /contacts), with nothing else — no rate budget,
 * circuit breaker, contact state, metrics or error mapping. With USE_SDK=1 the call goes
 * through intercom-client (retries off), which separates the SDK's cost from the relay's.
 */
import { Worker } from 'bullmq';
import { IntercomClient } from 'intercom-client';
import { Redis } from 'ioredis';

const env = process.env;
const connection = new Redis(env.REDIS_URL as string, { maxRetriesPerRequest: null });
const url = `${env.SIM_URL}/contacts`;
const headers = {
  authorization: `Bearer ${env.SIM_TOKEN}`,
  'intercom-version': '2.14',
  accept: 'application/json',
  'content-type': 'application/json',
};

const sdk = new IntercomClient({
  token: env.SIM_TOKEN as string,
  baseUrl: env.SIM_URL as string,
  maxRetries: 0,
});

const worker = new Worker(
  env.QUEUE as string,
  async (job) => {
    if (env.USE_SDK === '1') {
      const contact = await sdk.contacts.create({ external_id: job.data.external_id });
      return { intercomId: contact.id };
    }
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ external_id: job.data.external_id }),
    });
    const body = (await response.json()) as { id?: string };
    if (!response.ok) throw new Error(`status ${response.status}`);
    return { intercomId: body.id };
  },
  { connection, prefix: env.PREFIX as string, concurrency: Number(env.CONCURRENCY ?? 50) },
);
await worker.waitUntilReady();
process.stdout.write(`${JSON.stringify({ event: 'ready' })}\n`);
process.on('SIGTERM', async () => {
  await worker.close();
  connection.disconnect();
  process.exit(0);
});
