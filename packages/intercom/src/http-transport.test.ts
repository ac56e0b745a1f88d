import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IntercomClient } from 'intercom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpTransport } from './http-transport.ts';

let server: Server;
let base: string;
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] =
  [];

beforeAll(async () => {
  server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    seen.push({
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      body,
    });
    if (request.url?.startsWith('/hang')) return; // never answers
    if (request.url === '/reset') return request.socket.destroy();
    if (request.url === '/empty') return response.writeHead(204).end();
    response.writeHead(request.url?.startsWith('/missing') ? 404 : 200, {
      'content-type': 'application/json',
      'x-ratelimit-remaining': '41',
    });
    response.end(JSON.stringify({ type: 'contact', id: 'c1', echo: body || null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('the node:http transport', () => {
  const transport = createHttpTransport();

  it('sends method, headers and body, and answers status, headers and body', async () => {
    const response = await transport(`${base}/contacts?x=1`, {
      method: 'POST',
      headers: new Headers({ authorization: 'Bearer t', 'content-type': 'application/json' }),
      body: '{"external_id":"e1"}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-remaining')).toBe('41');
    expect(await response.json()).toEqual({
      type: 'contact',
      id: 'c1',
      echo: '{"external_id":"e1"}',
    });
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      url: '/contacts?x=1',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
    });
  });

  it('answers a 204 without a body and a 404 with its status', async () => {
    expect((await transport(`${base}/empty`)).status).toBe(204);
    expect((await transport(`${base}/missing`)).status).toBe(404);
  });

  it('aborts a call that never gets an answer when its signal fires', async () => {
    const started = Date.now();
    await expect(
      transport(`${base}/hang`, { signal: AbortSignal.timeout(200) }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('rejects when the connection is reset', async () => {
    await expect(transport(`${base}/reset`)).rejects.toThrow();
  });

  it('serves the SDK: a typed result, its timeout as a timeout error, a 404 as a status error', async () => {
    const sdk = new IntercomClient({
      token: 't',
      baseUrl: base,
      maxRetries: 0,
      timeoutInSeconds: 0.2,
      fetch: transport,
    });
    const contact = await sdk.contacts.find({ contact_id: 'c1' });
    expect(contact.id).toBe('c1');
    const slow = new IntercomClient({
      token: 't',
      baseUrl: `${base}/hang`,
      maxRetries: 0,
      timeoutInSeconds: 0.2,
      fetch: transport,
    });
    await expect(slow.contacts.find({ contact_id: 'c1' })).rejects.toThrow(/timeout/i);
    const missing = new IntercomClient({
      token: 't',
      baseUrl: `${base}/missing`,
      maxRetries: 0,
      fetch: transport,
    });
    await expect(missing.contacts.find({ contact_id: 'c1' })).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});
