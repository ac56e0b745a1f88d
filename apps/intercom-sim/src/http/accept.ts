/** Intercom answers JSON only: 406 unless `Accept` is absent or allows `application/json`. */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.includes('json') || accept.includes('*/*') || accept.includes('application/*');
}
