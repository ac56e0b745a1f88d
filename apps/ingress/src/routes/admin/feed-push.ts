import { AppError } from '@relay/errors';
import type { EndpointState, PushControl } from '@relay/sync';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';

export type PushRoutesDeps = { push?: PushControl | undefined };

const ENDPOINT_STATES = ['ok', 'failing', 'disabled'] as const satisfies Record<
  EndpointState,
  string
>;

/** A stream id: milliseconds, then a sequence number up to 2^64 − 1 (Redis refuses more). */
const CURSOR = /^(\d{1,15})-(\d{1,20})$/;
const MAX_SEQUENCE = 18_446_744_073_709_551_615n;
/** ISO 8601 with a zone: a time without one would be read in the ingress's own zone. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

const ReplayBody = Type.Object(
  {
    after: Type.Optional(Type.String({ maxLength: 64 })),
    since: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

/** The push's state for GET /admin/feed/status: the CRM endpoint's, and the records waiting. */
export async function pushStatus(push: PushControl) {
  const [state, undelivered] = await Promise.all([push.state(), push.undelivered()]);
  return { endpointState: ENDPOINT_STATES[state], undelivered };
}

/**
 * The cursor a replay starts after: `after` as given, or for `since` (a time) the last
 * possible id of the millisecond before it, so changes recorded at that millisecond are sent.
 */
function replayCursor(body: Static<typeof ReplayBody>): string {
  const { after, since } = body;
  if ((after === undefined) === (since === undefined)) {
    throw new AppError(
      'PAYLOAD_INVALID',
      'send exactly one of body/after (a cursor, like 1765039200123-0) and body/since (an ISO 8601 time, like 2026-12-06T16:40:00Z)',
      { details: { in: 'body', path: '/' } },
    );
  }
  if (after !== undefined) {
    const match = CURSOR.exec(after);
    if (!match || BigInt(match[2] ?? '0') > MAX_SEQUENCE) {
      throw new AppError(
        'PAYLOAD_INVALID',
        "body/after must be a cursor of the change feed (a change's cursor, like 1765039200123-0)",
        { details: { in: 'body', path: '/after' } },
      );
    }
    return after;
  }
  const ms = ISO_TIME.test(since ?? '') ? Date.parse(since ?? '') : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new AppError(
      'PAYLOAD_INVALID',
      'body/since must be an ISO 8601 time with a zone, like 2026-12-06T16:40:00Z',
      { details: { in: 'body', path: '/since' } },
    );
  }
  return ms <= 0 ? '0-0' : `${ms - 1}-${MAX_SEQUENCE}`;
}

/**
 * POST /admin/feed/push/enable: deliveries to the CRM resume after its endpoint answered 410.
 * POST /admin/feed/push/replay {after | since}: changes after a cursor (or from a time) are
 * sent again, each record's latest version (docs/change-feed.md, "Push"); 200 with
 * `replayingAfter: null` when the push has not got that far (nothing to send again).
 */
export async function pushRoutes(app: FastifyInstance, deps: PushRoutesDeps) {
  function control(): PushControl {
    if (!deps.push) throw new AppError('NOT_FOUND', 'the change feed is not enabled here');
    return deps.push;
  }

  app.post('/feed/push/enable', async (request) => {
    const push = control();
    await push.enable();
    const endpointState = ENDPOINT_STATES[await push.state()];
    request.log.info({ endpointState }, 'enabled the CRM endpoint');
    return { endpointState };
  });

  app.post<{ Body: Static<typeof ReplayBody> }>(
    '/feed/push/replay',
    { schema: { body: ReplayBody } },
    async (request, reply) => {
      const push = control();
      const cursor = replayCursor(request.body);
      const { replaying, pushedUpTo } = await push.replayAfter(cursor);
      if (!replaying) {
        // Not yet pushed that far (or not at all): the changes after the cursor go anyway.
        return reply.code(200).send({ replayingAfter: null, pushedUpTo });
      }
      request.log.info({ after: cursor, pushedUpTo }, 'replaying the push');
      return reply.code(202).send({ replayingAfter: cursor, pushedUpTo });
    },
  );
}
