import type { FeedChange } from '../../relay/admin-client.ts';

/**
 * The parts of a change that hold personal data: a contact's or company's attribute values
 * (emails, names, phones) and a conversation notification's item (its messages).
 */
const VALUE_FIELDS = ['attributes', 'item'] as const;

/** The change without its values: ids, type, version, source and the names of what changed. */
export function withoutValues(change: FeedChange): FeedChange {
  const data = { ...change.data };
  for (const field of VALUE_FIELDS) delete data[field];
  return { ...change, data };
}

const COLUMNS = [
  ['CURSOR', 17],
  ['TYPE', 20],
  ['VERSION', 7],
  ['INTERCOM_ID', 24],
  ['CRM_ID', 20],
  ['SOURCE', 14],
  ['CHANGED', 0],
] as const;

/** The header of the text lines. */
export const CHANGE_LINE_HEADER = line(COLUMNS.map(([name]) => name));

/**
 * One change as a line of text: cursor, type, version, Intercom id, the CRM's id
 * (external_id or company_id; `-` for a record the CRM does not know yet), source, and the
 * fields that changed. Never a value.
 */
export function changeLine(change: FeedChange): string {
  const { data } = change;
  const changed = Array.isArray(data.changed) ? data.changed.join(',') : '';
  const mergedInto = (data.merged_into as { intercom_id?: unknown } | undefined)?.intercom_id;
  return line([
    change.cursor,
    change.type,
    typeof data.version === 'number' ? `v${data.version}` : '-',
    text(data.intercom_id),
    text(data.external_id ?? data.company_id),
    text(data.source),
    [changed, mergedInto === undefined ? '' : `merged into ${text(mergedInto)}`]
      .filter(Boolean)
      .join(' ') || '-',
  ]);
}

function line(cells: readonly string[]): string {
  return cells
    .map((cell, i) => cell.padEnd(COLUMNS[i]?.[1] ?? 0))
    .join(' ')
    .trimEnd();
}

function text(value: unknown): string {
  return typeof value === 'string' && value !== '' ? value : '-';
}
