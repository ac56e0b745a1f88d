import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTcpProxy, type TcpProxy } from './tcp-proxy.ts';
import { waitFor } from './wait-for.ts';

/** An echo server that also remembers what it received and how many connections it saw. */
let echo: Server;
let echoPort: number;
let received: string;
let accepted: number;
let proxy: TcpProxy | undefined;
const clients: Socket[] = [];

beforeEach(async () => {
  received = '';
  accepted = 0;
  echo = createServer((socket) => {
    accepted++;
    socket.on('data', (chunk) => {
      received += chunk.toString();
      socket.write(chunk);
    });
    socket.on('error', () => {});
  });
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  const address = echo.address();
  echoPort = typeof address === 'object' && address ? address.port : 0;
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await proxy?.close();
  proxy = undefined;
  await new Promise((resolve) => echo.close(resolve));
});

async function open(port: number) {
  const socket = connect(port, '127.0.0.1');
  clients.push(socket);
  let text = '';
  socket.on('data', (chunk) => {
    text += chunk.toString();
  });
  const errors: string[] = [];
  socket.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? error.message));
  await once(socket, 'connect');
  return { socket, text: () => text, errors };
}

describe('createTcpProxy', () => {
  it('forwards both ways in pass mode, and names the target URL with its own port', async () => {
    proxy = await createTcpProxy({ target: `redis://127.0.0.1:${echoPort}` });
    expect(proxy.url).toBe(`redis://127.0.0.1:${proxy.port}`);
    const client = await open(proxy.port);
    client.socket.write('ping');
    expect(
      await waitFor(
        async () => client.text(),
        (text) => text === 'ping',
        5_000,
      ),
    ).toBe('ping');
    expect(proxy.connections()).toBe(1);
  });

  it('delays every chunk by latencyMs, in order', async () => {
    proxy = await createTcpProxy({ target: { port: echoPort }, latencyMs: 150 });
    const client = await open(proxy.port);
    const started = Date.now();
    client.socket.write('a');
    client.socket.write('b');
    await waitFor(
      async () => client.text(),
      (text) => text === 'ab',
      5_000,
    );
    expect(client.text()).toBe('ab');
    // Both directions are delayed: at least two latencies before the echo is back.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('holds new and open connections in blackhole mode and delivers in order once back in pass', async () => {
    proxy = await createTcpProxy({ target: { port: echoPort } });
    const before = await open(proxy.port);
    before.socket.write('1');
    await waitFor(
      async () => before.text(),
      (text) => text === '1',
      5_000,
    );

    proxy.setMode('blackhole');
    before.socket.write('2');
    const fresh = await open(proxy.port); // accepted, but never connected through
    fresh.socket.write('x');
    await sleep(300); // a window in which nothing may cross
    expect(received).toBe('1');
    expect(before.text()).toBe('1');
    expect(fresh.text()).toBe('');
    expect(accepted).toBe(1);

    proxy.setMode('pass');
    await waitFor(
      async () => before.text() + fresh.text(),
      (text) => text === '12x',
      5_000,
    );
    expect(before.text()).toBe('12');
    expect(fresh.text()).toBe('x');
    expect(accepted).toBe(2);
  });

  it('resets open and new connections in reset mode, and passes again afterwards', async () => {
    proxy = await createTcpProxy({ target: { port: echoPort } });
    const client = await open(proxy.port);
    proxy.setMode('reset');
    await waitFor(
      async () => client.errors,
      (errors) => errors.length > 0,
      5_000,
    );
    expect(client.errors).toEqual(['ECONNRESET']);

    const refused = connect(proxy.port, '127.0.0.1');
    clients.push(refused);
    const [error] = (await once(refused, 'error')) as NodeJS.ErrnoException[];
    expect(error?.code).toBe('ECONNRESET');
    await waitFor(
      async () => proxy?.connections(),
      (count) => count === 0,
      5_000,
    );

    proxy.setMode('pass');
    const again = await open(proxy.port);
    again.socket.write('back');
    expect(
      await waitFor(
        async () => again.text(),
        (text) => text === 'back',
        5_000,
      ),
    ).toBe('back');
  });

  it('resets the client when the target is down', async () => {
    proxy = await createTcpProxy({ target: { port: echoPort } });
    await new Promise((resolve) => echo.close(resolve));
    const client = await open(proxy.port);
    await waitFor(
      async () => client.errors,
      (errors) => errors.length > 0,
      5_000,
    );
    expect(client.errors).toEqual(['ECONNRESET']);
    echo.listen(echoPort, '127.0.0.1'); // for afterEach
    await once(echo, 'listening');
  });
});
