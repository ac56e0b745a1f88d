import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimPort, freePort } from './free-port.ts';

// Below 1024: never handed out by the kernel as a free port, so no real claim is touched.
const PORTS = [901, 902, 903, 904];
const claimFile = (port: number) => join(tmpdir(), 'relay-testkit-ports', String(port));

afterEach(() => {
  for (const port of PORTS) rmSync(claimFile(port), { force: true });
});

describe('free ports shared by test processes', () => {
  it('hands a port to one taker only, this process included', async () => {
    await freePort(); // makes the claims folder
    expect(claimPort(901)).toBe(true);
    expect(claimPort(901)).toBe(false);
  });

  it("leaves a live process's claim alone and takes a dead one's or an old one's", async () => {
    await freePort();
    writeFileSync(claimFile(902), String(process.ppid)); // the test runner: alive
    expect(claimPort(902)).toBe(false);
    writeFileSync(claimFile(903), '99999999'); // no such process
    expect(claimPort(903)).toBe(true);
    writeFileSync(claimFile(904), String(process.ppid));
    const hourAgo = new Date(Date.now() - 60 * 60_000);
    utimesSync(claimFile(904), hourAgo, hourAgo);
    expect(claimPort(904)).toBe(true);
  });

  it('never hands out the same port twice, nor one outgoing connections may take', async () => {
    const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    expect(new Set(ports).size).toBe(ports.length);
    // Below the kernel's default range for outgoing connections' local ports (32768–60999),
    // a cluster node's bus port (port + 10000) included.
    for (const port of ports) expect(port + 10_000).toBeLessThan(32_768);
  });
});
