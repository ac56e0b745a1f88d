import type { Style } from './style.ts';

/** A check's outcome. `unknown`: it could not be measured; `skip`: it does not apply. */
export type CheckStatus = 'ok' | 'fail' | 'unknown' | 'skip';

const LABELS: Record<CheckStatus, string> = {
  ok: 'ok',
  fail: 'FAIL',
  unknown: 'unknown',
  skip: 'skip',
};

export function statusLabel(status: CheckStatus, style: Style, okWord = 'ok'): string {
  if (status === 'ok') return style.green(okWord);
  if (status === 'fail') return style.red(style.bold(LABELS.fail));
  if (status === 'unknown') return style.yellow(LABELS.unknown);
  return style.dim(LABELS.skip);
}
