import type { CheckStatus } from '../../output/status.ts';

export type Severity = 'P1' | 'P2' | 'P3' | 'P4';

export type TriageCheck = {
  severity: Severity;
  id: string;
  title: string;
  status: CheckStatus;
  /** One line: what was measured. */
  finding: string;
  /** The command to run or the RUNBOOK.md section to read when it is not ok. */
  next: string;
};

/** The words for a window in findings: "in 5.0 s" or "since start". */
export function spanText(intervalSeconds: number): string {
  return intervalSeconds > 0 ? `in ${intervalSeconds.toFixed(1)} s` : 'since start';
}

export function perMinuteText(value: number): string {
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)}/min`;
}

export function secondsText(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function percentText(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)} %`;
}
