/**
 * @relay/intercom — the only package that talks to Intercom: the SDK wrapper (retries off,
 * timeouts explicit), mapping of SDK errors to AppError, request metrics and the X-RateLimit-*
 * reading that feeds the rate budget.
 * Not here: what to sync (domain logic) or when to retry (the queue decides).
 */

export {
  createIntercomAccess,
  type IntercomAccess,
  type IntercomSettings,
  readIntercomSettings,
} from './access.ts';
export {
  createRateBudget,
  type Permit,
  type RateBudget,
  type RateBudgetOptions,
} from './budget/rate-budget.ts';
export { type CallGuardOptions, createCallGuard } from './call-guard.ts';
export {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
  createCircuitBreaker,
} from './circuit-breaker.ts';
export {
  createIntercomClient,
  type IntercomClientOptions,
} from './client.ts';
export type { IntercomClient, WriteGuard } from './client-methods.ts';
export type {
  ArticleWrite,
  CompanyWrite,
  ContactWrite,
  ConversationPart,
  DataAttributeInfo,
  DataEvent,
  IntercomContact,
  SearchFilter,
  SearchQuery,
} from './client-types.ts';
export { endpointTemplate } from './endpoint-template.ts';
export { createIntercomProbe, type IntercomHealth, type IntercomProbe } from './health-probe.ts';
export { type CallObserver, createInstrumentedFetch } from './instrumented-fetch.ts';
export { codeForStatus, toAppError } from './map-error.ts';
export { type RateLimitSnapshot, readRateLimitHeaders } from './rate-limit-headers.ts';
export {
  createStatusPagePoller,
  type StatusPagePoller,
  type StatusPageReading,
} from './status-page-poller.ts';
