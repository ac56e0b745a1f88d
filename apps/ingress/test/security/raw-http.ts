import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** Listens on a free port of 127.0.0.1 and returns it. */
export async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as AddressInfo).port;
}

export type RawConnection = {
  socket: Socket;
  /** Everything the server has sent so far. */
  received(): string;
  /** Resolves true once the server has closed the connection, false after `timeoutMs`. */
  closed(timeoutMs: number): Promise<boolean>;
};

/** A TCP connection on which the test writes raw HTTP bytes, as slowly as it likes. */
export function openRaw(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let isClosed = false;
    const closeWaiters: (() => void)[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {}); // a reset is one way of being closed
    socket.on('close', () => {
      isClosed = true;
      for (const wake of closeWaiters) wake();
    });
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => Buffer.concat(chunks).toString('latin1'),
        closed: (timeoutMs) =>
          isClosed
            ? Promise.resolve(true)
            : new Promise((done) => {
                const timer = setTimeout(() => done(false), timeoutMs);
                closeWaiters.push(() => {
                  clearTimeout(timer);
                  done(true);
                });
              }),
      }),
    );
    socket.once('error', reject);
  });
}

/** Sends `bytes` at once and reads until the server closes or `timeoutMs` passes. */
export async function exchange(port: number, bytes: string | Buffer, timeoutMs = 5_000) {
  const connection = await openRaw(port);
  connection.socket.write(bytes);
  const closed = await connection.closed(timeoutMs);
  connection.socket.destroy();
  const text = connection.received();
  return { closed, text, status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0) };
}

/** Writes one piece every `everyMs` until the socket closes; returns a stop function. */
export function dribble(
  connection: RawConnection,
  piece: () => string,
  everyMs: number,
): () => void {
  const timer = setInterval(() => {
    if (connection.socket.destroyed) clearInterval(timer);
    else connection.socket.write(piece());
  }, everyMs);
  return () => clearInterval(timer);
}
