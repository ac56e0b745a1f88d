import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@relay/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { createEnvReader } from './env-reader.ts';
import { fileSecret } from './secret.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(content: string) {
  const dir = mkdtempSync(join(tmpdir(), 'relay-config-'));
  dirs.push(dir);
  const file = join(dir, 'secret');
  writeFileSync(file, content);
  return file;
}

describe('createEnvReader', () => {
  it('reports every problem at once', () => {
    const env = createEnvReader({ PORT: 'abc', WORKERS: '0', DEBUG: 'maybe' });
    env.int('PORT');
    env.int('WORKERS', { min: 1 });
    env.bool('DEBUG');
    env.secret('TOKEN', { required: true });
    let error: unknown;
    try {
      env.finish();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    const message = (error as AppError).message;
    expect(message).toContain('PORT must be a whole number');
    expect(message).toContain('WORKERS must be at least 1');
    expect(message).toContain('DEBUG must be true or false');
    expect(message).toContain('TOKEN is required (or TOKEN_FILE)');
  });

  it('never reads "false" as true', () => {
    const env = createEnvReader({ A: 'false', B: '0', C: 'TRUE' });
    expect(env.bool('A', { default: true })).toBe(false);
    expect(env.bool('B', { default: true })).toBe(false);
    expect(env.bool('C')).toBe(true);
  });

  it('re-reads a secret file when it changes, and keeps the last value if it vanishes', () => {
    const file = tempFile('first\n');
    let clock = 0;
    const secret = fileSecret(file, () => clock);
    expect(secret.get()).toBe('first');
    writeFileSync(file, 'second-and-longer\n');
    expect(secret.get()).toBe('first'); // the file is looked at every 250 ms at most
    clock += 250;
    expect(secret.get()).toBe('second-and-longer');
    rmSync(file);
    clock += 250;
    expect(secret.get()).toBe('second-and-longer');
    expect(
      createEnvReader({ TOKEN_FILE: tempFile('from-env\n') })
        .secret('TOKEN')
        ?.get(),
    ).toBe('from-env');
  });

  it('refuses a secret set both inline and by file', () => {
    const env = createEnvReader({ TOKEN: 'x', TOKEN_FILE: tempFile('y') });
    env.secret('TOKEN');
    expect(() => env.finish()).toThrow(/TOKEN or TOKEN_FILE, not both/);
  });

  it('lists a secret file it cannot read with the other problems, instead of throwing at once', () => {
    const unreadable = join(tempFile('x'), '..');
    const env = createEnvReader({ TOKEN_FILE: unreadable, PORT: 'abc' });
    expect(env.secret('TOKEN')).toBeUndefined();
    env.int('PORT');
    expect(() => env.finish()).toThrow(
      `invalid configuration:\n  - TOKEN_FILE points to ${unreadable}, which cannot be read (EISDIR)\n  - PORT must be a whole number (got "abc")`,
    );
  });

  it('strips a trailing slash from URLs and checks the protocol', () => {
    const env = createEnvReader({ BASE: 'https://api.eu.intercom.io/', REDIS: 'http://x' });
    expect(env.url('BASE')).toBe('https://api.eu.intercom.io');
    env.url('REDIS', { protocols: ['redis:', 'rediss:'] });
    expect(() => env.finish()).toThrow(/REDIS must use redis: or rediss:/);
  });

  it('turns a default-on URL off when it is set empty (NAME=), and keeps the default when unset', () => {
    const options = { default: 'https://status.example/api', emptyTurnsOff: true };
    expect(createEnvReader({}).url('STATUS', options)).toBe('https://status.example/api');
    expect(createEnvReader({ STATUS: '' }).url('STATUS', options)).toBe('');
    expect(createEnvReader({ STATUS: '  ' }).url('STATUS', options)).toBe('');
    // Without the option an empty value is unset, as for every other variable.
    expect(createEnvReader({ STATUS: '' }).url('STATUS', { default: 'https://a.example' })).toBe(
      'https://a.example',
    );
  });

  it('reads LOG_LEVEL as one of pino levels', () => {
    expect(createEnvReader({}).logLevel()).toBe('info');
    const env = createEnvReader({ LOG_LEVEL: 'loud' });
    env.logLevel();
    expect(() => env.finish()).toThrow(/LOG_LEVEL must be one of fatal, error/);
  });
});
