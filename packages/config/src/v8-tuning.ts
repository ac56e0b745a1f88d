import { setFlagsFromString } from 'node:v8';

/**
 * Imported first by the ingress's and the workers' main.ts (`import '@relay/config/v8-tuning'`),
 * before any request or job is handled. V8 moves an allocation site
 * to the old generation ("pretenuring") once most of its objects outlive a young-generation
 * collection. At startup the young generation is small and collected every few milliseconds,
 * so under a burst of webhooks the objects of a per-request site outlived those collections
 * and V8 pretenured it for good: from then on every request's data was kept alive through
 * collections by the pretenured object referring to it, promoted, and swept by full
 * collections (scavenges 6× slower, 4 µs of GC per webhook instead of 0.6, in most runs of
 * bench/ingress-load.ts; seen with --trace-pretenuring-statistics). A worker draining a
 * backlog meets the same start (90 sites pretenured in one run of bench/worker-overhead.ts).
 * Nothing either allocates per request or per job is meant to live long, so the heuristic
 * only misfires here.
 */
setFlagsFromString('--no-allocation-site-pretenuring');
