#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { buildSimulator } from './app.ts';
import { parseCliArgs } from './cli-args.ts';
import { helpText } from './cli-help.ts';
import { parseSeedFile } from './seed/seed-file.ts';

/** The CLI: build, listen, print one "listening" line on stdout, close cleanly on signals. */
async function main(): Promise<void> {
  const command = parseCliArgs(process.argv.slice(2));
  if (command.kind === 'help') {
    process.stdout.write(helpText);
    return;
  }
  const seed = command.seedFile
    ? parseSeedFile(JSON.parse(readFileSync(command.seedFile, 'utf8')))
    : undefined;
  const { app } = buildSimulator({ ...command.options, ...(seed ? { seed } : {}) });
  await app.listen({ port: command.port, host: command.host });

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : command.port;
  process.stdout.write(
    `${JSON.stringify({ event: 'listening', url: `http://${urlHost(command.host)}:${port}` })}\n`,
  );

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`intercom-sim: close failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/** A wildcard bind is reached through loopback; IPv6 literals need brackets in a URL. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

main().catch((err: unknown) => {
  process.stderr.write(`intercom-sim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
