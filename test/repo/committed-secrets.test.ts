import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '@relay/testkit';
import { describe, expect, it } from 'vitest';

/**
 * Intercom access tokens are base64 of "tok:<id>:<n>:<n>" (about 60 characters, starting
 * "dG9rO"); private keys announce themselves. Test fixtures use short made-up values.
 */
const SECRET_SHAPES: [string, RegExp][] = [
  ['an Intercom access token', /dG9rO[A-Za-z0-9+/_-]{40,}={0,2}/],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

/** What git tracks; outside a git checkout (an unpacked archive), every file but installs. */
function repositoryFiles(): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' });
    return out.split('\0').filter(Boolean);
  } catch {
    return readdirSync(REPO_ROOT, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(REPO_ROOT, join(entry.parentPath, entry.name)))
      .filter((file) => !/^(\.git|\.tools|\.tmp)\/|(^|\/)node_modules\//.test(file));
  }
}

function findSecrets(text: string): string[] {
  return SECRET_SHAPES.filter(([, shape]) => shape.test(text)).map(([what]) => what);
}

describe('the repository', () => {
  it('recognises a real-shaped Intercom token (the scan below can fail)', () => {
    const token = Buffer.from(`tok:${randomUUID()}:1:0`).toString('base64');
    expect(findSecrets(`INTERCOM_ACCESS_TOKEN=${token}`)).toEqual(['an Intercom access token']);
  });

  it('holds nothing shaped like an Intercom token or a private key', () => {
    const found: string[] = [];
    for (const file of repositoryFiles()) {
      let text: string;
      try {
        text = readFileSync(join(REPO_ROOT, file), 'utf8');
      } catch {
        continue; // deleted in the working tree, or a directory entry
      }
      for (const what of findSecrets(text)) found.push(`${file}: ${what}`);
    }
    expect(found).toEqual([]);
  });
});
