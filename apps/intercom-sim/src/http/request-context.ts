/** What the API gate learned about a request, for the routes and the call recorder. */
export type SimRequestContext = {
  /** Control routes (`/__sim/…`) skip auth, limits, faults and the journal. */
  control: boolean;
  /** The app of the access token, once authenticated. */
  appId: string | null;
  /** The effective `Intercom-Version`. */
  version: string | null;
  /** Answer with a garbled body (the `malformedRate` fault). */
  malformed: boolean;
  /** Why the route did not run, or which fault touched the request. */
  outcome: string | null;
};

declare module 'fastify' {
  interface FastifyRequest {
    sim: SimRequestContext;
  }
}

export function newRequestContext(url: string): SimRequestContext {
  return {
    control: url.startsWith('/__sim/'),
    appId: null,
    version: null,
    malformed: false,
    outcome: null,
  };
}
