/**
 * Baseline for the ingress-load benchmark: a bare Fastify route that stores each webhook
 * with one `queue.add` (its notification id as the job id) and answers 200 — no signature,
 * no validation, no duplicate check, no metrics, no logs.
 */
import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { Redis } from 'ioredis';

const env = process.env;
const connection = new Redis(env.REDIS_URL as string, { maxRetriesPerRequest: null });
const queue = new Queue('bare-webhook', { connection, prefix: env.PREFIX as string });
const app = Fastify({ logger: false });

app.post<{ Body: { id: string } }>('/webhooks/intercom', async (request) => {
  await queue.add('webhook.process', { notification: request.body }, { jobId: request.body.id });
  return { status: 'accepted' };
});

const address = await app.listen({ host: '127.0.0.1', port: Number(env.PORT ?? 0) });
process.stdout.write(`${JSON.stringify({ event: 'ready', url: address })}\n`);
process.on('SIGTERM', async () => {
  await app.close();
  await queue.close();
  connection.disconnect();
  process.exit(0);
});
