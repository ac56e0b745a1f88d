import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describeWindow, type RateDecision } from '../rate-limit/rate-limiter.ts';
import type { SimulatorState } from '../state.ts';
import { acceptsJson } from './accept.ts';
import { sendError } from './intercom-error.ts';
import { defaultIntercomVersion, knownIntercomVersions } from './intercom-versions.ts';
import { newRequestContext } from './request-context.ts';
import { errorForStatus } from './status-errors.ts';

/**
 * Everything between the socket and an API route, in Intercom's order: transport faults,
 * content negotiation, authentication, rate limits (headers on every authenticated answer),
 * version, injected errors. Control routes only get a request id.
 */
export function createApiGate(state: SimulatorState) {
  const { faults, rateLimiter, options } = state;
  const windowName = describeWindow(options.windowMs);

  function rateLimitHeaders(reply: FastifyReply, decision: RateDecision) {
    reply.header('x-ratelimit-limit', decision.limit);
    reply.header('x-ratelimit-remaining', decision.remaining);
    reply.header('x-ratelimit-reset', decision.resetSeconds);
  }

  function tooManyRequests(request: FastifyRequest, reply: FastifyReply, limit: number) {
    const message = `Exceeded rate limit of ${limit} in ${windowName}`;
    return sendError(request, reply, 429, 'rate_limit_exceeded', message);
  }

  function abandon(request: FastifyRequest, reply: FastifyReply, outcome: 'hang' | 'reset') {
    request.sim.outcome = outcome === 'hang' ? 'hang' : 'connection_reset';
    state.stats.countFault(outcome === 'hang' ? 'hung' : 'connectionResets');
    state.recordCall(request, 0);
    reply.hijack();
    if (outcome === 'reset') request.raw.socket.destroy();
    return reply;
  }

  return async function apiGate(request: FastifyRequest, reply: FastifyReply) {
    reply.header('x-request-id', request.id);
    request.sim = newRequestContext(request.url);
    if (request.sim.control) return;

    const delay = faults.latencyMs();
    if (delay > 0) await sleep(delay);

    const transport = faults.transportFault();
    if (transport === 'reset' || transport === 'hang') return abandon(request, reply, transport);
    if (transport === 'outage') {
      request.sim.outcome = 'outage';
      return sendError(request, reply, 503, 'server_error', 'Service Unavailable');
    }

    if (!acceptsJson(request.headers.accept)) {
      const message = 'The Accept header must allow application/json';
      return sendError(request, reply, 406, 'not_acceptable', message);
    }

    const authorization = request.headers.authorization;
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    if (!token) return sendError(request, reply, 401, 'unauthorized', 'Access Token Invalid');
    const appId = state.appIdByToken.get(token);
    if (appId === undefined)
      return sendError(request, reply, 401, 'token_not_found', 'Token not found');
    if (faults.isRevoked(token))
      return sendError(request, reply, 401, 'token_revoked', 'Token revoked');
    request.sim.appId = appId;

    const nowMs = options.now();
    if (faults.isRateLimitStorm()) {
      rateLimiter.countRejected(nowMs);
      rateLimitHeaders(reply, { ...rateLimiter.peek(appId, nowMs), remaining: 0 });
      request.sim.outcome = 'rate_limit_storm';
      return tooManyRequests(request, reply, options.rateLimit);
    }
    const decision = rateLimiter.take(appId, nowMs);
    rateLimitHeaders(reply, decision);
    if (!decision.allowed) {
      const limit =
        decision.exceeded === 'workspace' ? options.workspaceRateLimit : options.rateLimit;
      return tooManyRequests(request, reply, limit);
    }

    const version = request.headers['intercom-version'];
    const effectiveVersion =
      typeof version === 'string' && version ? version : defaultIntercomVersion;
    if (!knownIntercomVersions.has(effectiveVersion)) {
      const message = 'The requested version could not be found';
      return sendError(request, reply, 400, 'intercom_version_invalid', message);
    }
    request.sim.version = effectiveVersion;
    reply.header('intercom-version', effectiveVersion);

    const injected = faults.errorStatus();
    if (injected !== undefined) {
      request.sim.outcome = `injected_${injected}`;
      state.stats.countFault('injectedErrors');
      if (injected === 429) return tooManyRequests(request, reply, options.rateLimit);
      const { code, message } = errorForStatus(injected);
      return sendError(request, reply, injected, code, message);
    }
    request.sim.malformed = faults.malformed();
  };
}
