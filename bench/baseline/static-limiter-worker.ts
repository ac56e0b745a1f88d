/**
 * Baseline for the budget-use benchmark: how BullMQ and the SDK are usually combined. BullMQ's
 * static limiter set to Intercom's nominal limit (shared by every worker of the queue, but in
 * windows that start with the first job, not on Intercom's epoch-aligned ones) and the SDK's
 * own retries (default: 2, waiting for X-RateLimit-Reset on a 429, invisible to the limiter).
 */
import { Worker } from 'bullmq';
import { IntercomClient } from 'intercom-client';
import { Redis } from 'ioredis';

const env = process.env;
const connection = new Redis(env.REDIS_URL as string, { maxRetriesPerRequest: null });
const sdk = new IntercomClient({ token: env.SIM_TOKEN as string, baseUrl: env.SIM_URL as string });

const worker = new Worker(
  env.QUEUE as string,
  async (job) => {
    const contact = await sdk.contacts.create({ external_id: job.data.external_id });
    return { intercomId: contact.id };
  },
  {
    connection,
    prefix: env.PREFIX as string,
    concurrency: Number(env.CONCURRENCY ?? 50),
    limiter: { max: Number(env.LIMIT), duration: Number(env.WINDOW_MS) },
  },
);
worker.on('error', () => {});
await worker.waitUntilReady();
process.stdout.write(`${JSON.stringify({ event: 'ready' })}\n`);
process.on('SIGTERM', async () => {
  await worker.close(true);
  connection.disconnect();
  process.exit(0);
});
