import { http } from '../http.ts';

type StatusIndicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

export type StatusPage =
  | { ok: true; indicator: StatusIndicator | string; description: string; operational: boolean }
  | { ok: false; detail: string };

/**
 * Intercom's public status page (statuspage.io's `/api/v2/status.json`): indicator `none`
 * means all systems operational; anything else is an incident or maintenance.
 */
export async function fetchStatusPage(url: string): Promise<StatusPage> {
  try {
    const answer = await http(url, { timeoutMs: 5_000 });
    const status = (answer.json as { status?: { indicator?: string; description?: string } })
      ?.status;
    if (answer.status !== 200 || typeof status?.indicator !== 'string') {
      return { ok: false, detail: `the status page answered ${answer.status} without a status` };
    }
    return {
      ok: true,
      indicator: status.indicator,
      description: status.description ?? status.indicator,
      operational: status.indicator === 'none',
    };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}
