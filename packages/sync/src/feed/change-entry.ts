import type { ChangeEntry } from './feed-store.ts';

export type ChangeSource = 'webhook' | 'reconciliation' | 'erasure';

/** A change's `data`, without its id (the log entry's id gives it). */
export type ChangeData = {
  object: 'contact' | 'company' | 'conversation';
  intercom_id: string;
  external_id?: string | null;
  company_id?: string | null;
  version?: number;
  changed?: string[];
  attributes?: Record<string, unknown>;
  merged_into?: { intercom_id: string; external_id: string | null };
  source: ChangeSource;
  occurred_at: number;
  [more: string]: unknown;
};

/** The change as the log keeps it: the Standard Webhooks payload shape, id added on reading. */
export function changeEntry(
  type: string,
  data: ChangeData,
  refs: string[],
  nowMs: number,
): ChangeEntry {
  return {
    json: JSON.stringify({ type, timestamp: new Date(nowMs).toISOString(), data }),
    refs,
    record: data.object === 'conversation' ? '' : `${data.object}.${data.intercom_id}`,
    version: typeof data.version === 'number' ? String(data.version) : '',
  };
}

/** The change id the log entry with this stream id has, everywhere (pull and push). */
export const changeId = (cursor: string): string => `chg_${cursor}`;
