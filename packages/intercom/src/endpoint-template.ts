/**
 * Turns a request path into a low-cardinality metric label: ids become `{id}`, so
 * `/contacts/6762f0dd4a5b3c2e1f0a9b8c` and every other contact share `/contacts/{id}`.
 * A segment counts as an id when it holds a digit and is not a known word, or is after
 * `find_by_external_id` (whose value may be personal data).
 */
export function endpointTemplate(pathname: string): string {
  const segments = pathname.split('/').filter((segment) => segment !== '');
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    const previous = segments[i - 1];
    const isId = previous === 'find_by_external_id' || /\d/.test(segment) || segment.length > 40;
    out.push(isId ? '{id}' : segment);
  }
  return `/${out.join('/')}`;
}
