/** Statuspage.io's indicators, as Intercom's public status page reports them. */
export const STATUS_INDICATORS = ['none', 'minor', 'major', 'critical', 'maintenance'] as const;
export type StatusIndicator = (typeof STATUS_INDICATORS)[number];

const DESCRIPTIONS: Record<StatusIndicator, string> = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major System Outage',
  maintenance: 'Service Under Maintenance',
};

/**
 * Intercom's public status page (www.intercomstatus.com, a Statuspage.io page) as the relay's
 * status poller and the `relay` CLI read it: one indicator and its description.
 */
export function createStatusPage(now: () => number) {
  let indicator: StatusIndicator = 'none';
  let description = DESCRIPTIONS.none;
  let updatedAt = now();
  return {
    view() {
      return {
        page: {
          id: 'intercom-sim',
          name: 'Intercom (simulated)',
          url: 'https://www.intercomstatus.com',
          updated_at: new Date(updatedAt).toISOString(),
        },
        status: { indicator, description },
      };
    },
    set(next: StatusIndicator, text?: string) {
      indicator = next;
      description = text ?? DESCRIPTIONS[next];
      updatedAt = now();
    },
    reset() {
      this.set('none');
    },
  };
}
