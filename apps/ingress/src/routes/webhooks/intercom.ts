import { createHash } from 'node:crypto';
import { AppError } from '@relay/errors';
import { compileValidator, WebhookNotification } from '@relay/jobs';
import type { Producer } from '@relay/jobs/queue';
import { type Metrics, seriesByLabels } from '@relay/telemetry';
import type { FastifyInstance } from 'fastify';
import { isValidIntercomSignature } from '../../lib/intercom-signature.ts';
import { PROTOTYPE_KEY, parseJson } from '../../lib/json-body.ts';
import { jsonHazard } from '../../lib/json-depth.ts';
import { sendError } from '../../plugins/error-handler.ts';
import { topicLabel } from './topics.ts';

export type IntercomWebhookDeps = {
  producer: Producer;
  metrics: Metrics;
  /** The client secrets whose signatures are accepted (two while one is being rotated). */
  secrets: () => readonly string[];
};

const validateNotification = compileValidator<WebhookNotification>(WebhookNotification);

/** Intercom's webhook bodies are small; 1 MiB leaves room for large conversation parts. */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;

const MISSING_BODY = "the body is missing: POST /webhooks/intercom takes Intercom's notification";

/**
 * Intercom's notifications nest about ten levels (conversation parts, custom attributes).
 * Far deeper input cannot be stored: BullMQ's JSON.stringify overflows the stack, which
 * answered 503 and made the sender retry for ever.
 */
const MAX_NESTING = 64;

/**
 * POST /webhooks/intercom: verify the signature on the raw bytes, validate, store the job
 * (its id is the notification id), and only then answer 200. HEAD answers 200 because
 * Intercom validates the URL with it.
 */
export async function intercomWebhookRoutes(app: FastifyInstance, deps: IntercomWebhookDeps) {
  // Scoped to this plugin: the raw bytes are what Intercom signed, so they must reach us unparsed.
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );

  const outcomes = seriesByLabels((topic, outcome) =>
    deps.metrics.webhooks.labels({ topic, outcome }),
  );
  const count = (topic: string, outcome: string) => outcomes(topic, outcome).inc();

  app.head('/webhooks/intercom', async (_request, reply) => reply.code(200).send());

  app.post('/webhooks/intercom', { bodyLimit: WEBHOOK_BODY_LIMIT }, async (request, reply) => {
    const raw = request.body;
    if (raw === undefined) throw new AppError('PAYLOAD_INVALID', MISSING_BODY);
    if (!Buffer.isBuffer(raw)) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
    }
    const signature = request.headers['x-hub-signature'];
    if (
      !isValidIntercomSignature(
        raw,
        typeof signature === 'string' ? signature : undefined,
        deps.secrets(),
      )
    ) {
      count('unknown', 'signature_invalid');
      throw new AppError(
        'WEBHOOK_SIGNATURE_INVALID',
        signature ? 'X-Hub-Signature does not match the body' : 'X-Hub-Signature is missing',
      );
    }

    if (raw.length === 0) throw new AppError('PAYLOAD_INVALID', MISSING_BODY);
    const parsed = withPingId(parseJson(raw.toString('utf8')), raw);
    const hazard = jsonHazard(parsed, MAX_NESTING);
    if (hazard !== undefined) {
      count('unknown', 'malformed');
      throw new AppError(
        'PAYLOAD_INVALID',
        hazard === 'too_deep' ? `the body nests deeper than ${MAX_NESTING} levels` : PROTOTYPE_KEY,
      );
    }
    const result = validateNotification(parsed);
    if (!result.ok) {
      count('unknown', 'malformed');
      throw new AppError('PAYLOAD_INVALID', `notification${result.message}`, {
        details: { path: result.path },
      });
    }
    const topic = topicLabel(result.value.topic);
    try {
      const { duplicate, jobId } = await deps.producer.enqueueWebhook(result.value);
      count(topic, duplicate ? 'duplicate' : 'accepted');
      // Debug: a line per delivery costs as much CPU as storing it; relay_webhooks_total counts them.
      request.log.debug(
        { jobId, topic, duplicate },
        duplicate ? 'ignored duplicate webhook' : 'enqueued webhook',
      );
      return reply.code(200).send({ status: duplicate ? 'duplicate' : 'accepted', jobId });
    } catch (error) {
      count(topic, 'unavailable');
      if (!(error instanceof AppError)) throw error;
      // Redis being down is counted (WebhooksNotStored) and logged by its connection; any
      // other failure is not an outage: its cause goes to the log.
      if (error.code !== 'QUEUE_UNAVAILABLE')
        request.log.error({ err: error }, 'could not store webhook');
      return sendError(reply, error);
    }
  });
}

/**
 * Intercom's `ping` (sent when the endpoint is saved, and by "Send test request") carries
 * `"id": null`; it was refused with 400 as a notification without an id. It takes the hash
 * of its signed body as its id instead: stored and acknowledged like any notification, and
 * the same delivery sent again is a duplicate.
 */
function withPingId(parsed: unknown, raw: Buffer): unknown {
  if (typeof parsed !== 'object' || parsed === null) return parsed;
  const notification = parsed as Record<string, unknown>;
  if (notification.topic !== 'ping' || notification.id != null) return parsed;
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 32);
  return { ...notification, id: `ping_${hash}` };
}
