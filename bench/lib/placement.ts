import { execFileSync } from 'node:child_process';

/**
 * Where a measurement runs its processes on this host's cores:
 * - `isolated`: the system under test (a server and its Redis) on one core, the load generator
 *   on another, as a load generator on another host would be: it takes no CPU from the server.
 * - `shared`: no pinning; the kernel spreads server, Redis and load generator over all cores.
 */
export type Placement = 'isolated' | 'shared';

/**
 * The cores this process may use before any pinning, as `taskset -cp` lists them (`0,1`,
 * `0-3`): what `shared` restores. Read once: once pinned, the process sees only its core.
 */
const ORIGINAL = readCores();
const [SYSTEM_CORE, LOAD_CORE] = ORIGINAL ? expand(ORIGINAL) : [];

function readCores(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const out = execFileSync('taskset', ['-cp', String(process.pid)], { encoding: 'utf8' });
    return /list:\s*(\S+)/.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

function expand(list: string): number[] {
  return list.split(',').flatMap((part) => {
    const [from, to = from] = part.split('-').map(Number);
    if (from === undefined || to === undefined) return [];
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}

/** True when processes can be pinned here: Linux, `taskset`, and at least two cores. */
export function canIsolate(): boolean {
  return SYSTEM_CORE !== undefined && LOAD_CORE !== undefined;
}

/**
 * Puts the system under test's processes and the load generator (this process) where the
 * placement says. Every thread: V8's and libuv's helper threads, Redis's background threads.
 */
export function place(placement: Placement, systemPids: readonly number[]): void {
  if (!ORIGINAL || SYSTEM_CORE === undefined || LOAD_CORE === undefined) return;
  const isolated = placement === 'isolated';
  for (const pid of systemPids) pinThreads(pid, isolated ? String(SYSTEM_CORE) : ORIGINAL);
  pinThreads(process.pid, isolated ? String(LOAD_CORE) : ORIGINAL);
}

function pinThreads(pid: number, cores: string): void {
  execFileSync('taskset', ['-a', '-cp', cores, String(pid)], { stdio: 'ignore' });
}
