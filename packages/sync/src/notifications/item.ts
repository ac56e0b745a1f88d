/** The identifying fields of a notification's item (or a part of it), when present. */
export type ItemRef = { id?: string; external_id?: string; company_id?: string };

export function refOf(value: unknown): ItemRef {
  if (typeof value !== 'object' || value === null) return {};
  const record = value as Record<string, unknown>;
  const ref: ItemRef = {};
  if (typeof record.id === 'string' && record.id !== '') ref.id = record.id;
  if (typeof record.external_id === 'string' && record.external_id !== '') {
    ref.external_id = record.external_id;
  }
  if (typeof record.company_id === 'string' && record.company_id !== '') {
    ref.company_id = record.company_id;
  }
  return ref;
}
