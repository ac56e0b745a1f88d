import { AppError } from '@relay/errors';
import type { FastifyRequest } from 'fastify';
import { matchesAny } from '../lib/constant-time.ts';

/**
 * The token of `Authorization: Bearer <token>`, if the header has that form. Spaces only
 * around it (RFC 6750): `\s` would also take a no-break space or a form feed.
 */
export function bearerToken(header: string | undefined): string | undefined {
  return header ? /^Bearer +([\x21-\x7e]+) *$/i.exec(header)?.[1] : undefined;
}

/** A hook (onRequest: before the body is even read) that admits `Authorization: Bearer <token>` for one of the given tokens. */
export function bearerAuth(tokens: () => readonly string[], realm: string) {
  return async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    const token = bearerToken(header);
    if (!token || !matchesAny(token, tokens())) {
      throw new AppError(
        'UNAUTHENTICATED',
        header ? 'the bearer token is not valid' : 'send Authorization: Bearer <token>',
        { details: { realm } },
      );
    }
  };
}
