import { AppError } from '@relay/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../lib/constant-time.ts';
import { bearerToken } from './crm-auth.ts';
import { sendError } from './error-handler.ts';

/** Basic first: a browser opening the dashboard shows its login box for it. */
const CHALLENGES = ['Basic realm="relay-admin", charset="UTF-8"', 'Bearer realm="relay-admin"'];

/**
 * The token a request presents: `Authorization: Bearer <token>`, or HTTP Basic with the
 * token as the password and any user name (so a browser can open the dashboard).
 */
function presentedAdminToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const bearer = bearerToken(header);
  if (bearer) return bearer;
  const basic = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  if (!basic?.[1]) return undefined;
  const credentials = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = credentials.indexOf(':');
  return colon === -1 ? undefined : credentials.slice(colon + 1);
}

/**
 * An onRequest hook admitting only the admin token (read per request, so a rotated
 * ADMIN_TOKEN_FILE applies at once). Refusals answer 401 with both challenges.
 */
export function adminAuth(token: () => string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const expected = token();
    const given = presentedAdminToken(request.headers.authorization);
    // An empty expected token admits nobody (a secret file emptied mid-rotation).
    if (expected && given !== undefined && constantTimeEqual(given, expected)) return;
    request.log.warn(
      { route: request.routeOptions.url ?? 'unmatched', presented: given !== undefined },
      'admin request refused',
    );
    reply.header('www-authenticate', CHALLENGES);
    return sendError(
      reply,
      new AppError(
        'UNAUTHENTICATED',
        given === undefined
          ? 'send Authorization: Bearer <admin token> (or Basic with the token as password)'
          : 'the admin token is not valid',
        { details: { realm: 'admin' } },
      ),
    );
  };
}
