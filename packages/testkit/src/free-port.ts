import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Ports handed out by any test process on this machine, one file each. Tests run in several
 * processes at once: two of them could each be told a port is free (the kernel may hand the
 * same one out twice in a row), and the second to listen then fails, or worse, a readiness
 * check of its own reaches the first one's server (the Sentinel fault test once sent its
 * whole load to another test's HTTP receiver). A claim stops that.
 */
const CLAIMS = join(tmpdir(), 'relay-testkit-ports');
/** A claim older than this is stale whoever made it (a pid can be reused). */
const CLAIM_TTL_MS = 30 * 60_000;
const ATTEMPTS = 20;

/** A TCP port on 127.0.0.1, free a moment ago and handed to no other test process since. */
export async function freePort(): Promise<number> {
  mkdirSync(CLAIMS, { recursive: true });
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const port = await unusedPort();
    if (claimPort(port)) return port;
  }
  throw new Error(`no free port after ${ATTEMPTS} attempts (claims in ${CLAIMS})`);
}

function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Takes the port for this process, unless this process or another live one took it within
 * CLAIM_TTL_MS.
 */
export function claimPort(port: number): boolean {
  const path = join(CLAIMS, String(port));
  for (let tries = 0; tries < 2; tries += 1) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!isStale(path)) return false;
      try {
        unlinkSync(path);
      } catch {
        // Another process removed it first; the next openSync decides.
      }
    }
  }
  return false;
}

function isStale(path: string): boolean {
  try {
    if (Date.now() - statSync(path).mtimeMs > CLAIM_TTL_MS) return true;
    const owner = Number(readFileSync(path, 'utf8'));
    if (owner === process.pid) return false; // ours: never hand a port out twice
    return !isAlive(owner);
  } catch {
    return true; // gone or unreadable: claim it again
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
