/** The one teammate the simulated workspace has: the owner of every access token. */
export const simAdmin = {
  type: 'admin',
  id: '991200001',
  name: 'Sim Admin',
  email: 'admin@intercom-sim.example',
  job_title: '',
  away_mode_enabled: false,
  away_mode_reassign: false,
  away_status_reason_id: null,
  has_inbox_seat: true,
  team_ids: [],
  avatar: null,
  team_priority_level: { primary_team_ids: [], secondary_team_ids: [] },
} as const;
