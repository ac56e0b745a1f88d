import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

/** What a figure was measured on, printed with every benchmark. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  let redis = 'redis-server ?';
  try {
    redis = execFileSync('redis-server', ['--version'], { encoding: 'utf8' })
      .split(' ')
      .slice(0, 3)
      .join(' ');
  } catch {}
  const memGiB = Math.round(totalmem() / 2 ** 30);
  return `${cpus().length} × ${cpu}, ${memGiB} GiB, Node ${process.version}, ${redis.trim()}`;
}
