/**
 * The baseline: a bare `node:http` server answering the same JSON the simulator gives for
 * GET /me and POST /contacts (passed in BASELINE_ME and BASELINE_CONTACT), with no routing
 * framework, auth, rate limit, journal or store. What the simulator costs on top of Node.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const me = process.env.BASELINE_ME ?? '{}';
const contact = process.env.BASELINE_CONTACT ?? '{}';

const server = createServer((request, response) => {
  const answer = (body: string) => {
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  };
  if (request.method === 'GET' && request.url === '/me') return answer(me);
  if (request.method === 'POST' && request.url === '/contacts') {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      JSON.parse(body);
      answer(contact);
    });
    return;
  }
  response.writeHead(404).end();
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(
    `${JSON.stringify({ event: 'listening', url: `http://127.0.0.1:${port}` })}\n`,
  );
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
