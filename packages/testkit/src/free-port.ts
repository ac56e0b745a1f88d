import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Ports handed out by any test process on this machine, one file each. Tests run in several
 * processes at once: two of them could each be told a port is free, and the second to listen
 * then fails, or worse, a readiness check of its own reaches the first one's server. A claim
 * stops that.
 */
const CLAIMS = join(tmpdir(), 'relay-testkit-ports');
/** A claim older than this is stale whoever made it (a pid can be reused). */
const CLAIM_TTL_MS = 30 * 60_000;
const ATTEMPTS = 50;

/**
 * Where test servers listen: below the kernel's range for outgoing connections' local ports
 * (`ip_local_port_range`, 32768–60999 by default). A port picked inside it can be taken by any
 * outgoing connection before the server listens on it, or while it is down for a restart
 * (EADDRINUSE: seen in a clean-clone CI run, with the ingress of an integration test). Below
 * 22768, so that a Redis Cluster node's bus port (its port + 10000) is below it too.
 */
const LISTEN_PORTS = { from: 15_000, to: 22_767 };

/** A TCP port on 127.0.0.1, free a moment ago and handed to no other test process since. */
export async function freePort(): Promise<number> {
  mkdirSync(CLAIMS, { recursive: true });
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const port = LISTEN_PORTS.from + randomInt(LISTEN_PORTS.to - LISTEN_PORTS.from + 1);
    if ((await canListen(port)) && claimPort(port)) return port;
  }
  throw new Error(`no free port after ${ATTEMPTS} attempts (claims in ${CLAIMS})`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
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
      writeFileSync(path, String(process.pid), { flag: 'wx' });
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
    return !isAlive(Number(readFileSync(path, 'utf8'))); // ours too: alive, so never twice
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
