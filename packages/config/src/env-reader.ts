import { existsSync } from 'node:fs';
import { AppError } from '@relay/errors';
import { fileSecret, type Secret, staticSecret } from './secret.ts';

export type EnvSource = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Common<T> = { default?: T; required?: boolean };

/**
 * Reads typed values from an environment object and collects every problem, so a bad
 * deployment learns about all of its mistakes at once. Call `finish()` after the last read:
 * it throws one CONFIG_INVALID error listing them.
 */
export function createEnvReader(source: EnvSource) {
  const problems: string[] = [];

  function raw(name: string): string | undefined {
    const value = source[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  function missing(name: string, hint = '') {
    problems.push(`${name} is required${hint}`);
  }

  return {
    string(name: string, options: Common<string> & { oneOf?: readonly string[] } = {}) {
      const value = raw(name) ?? options.default;
      if (value === undefined) {
        if (options.required) missing(name);
        return '';
      }
      if (options.oneOf && !options.oneOf.includes(value)) {
        problems.push(`${name} must be one of ${options.oneOf.join(', ')} (got "${value}")`);
      }
      return value;
    },

    int(name: string, options: Common<number> & { min?: number; max?: number } = {}) {
      const text = raw(name);
      if (text === undefined) {
        if (options.required && options.default === undefined) missing(name);
        return options.default ?? 0;
      }
      const value = Number(text);
      if (!Number.isInteger(value)) {
        problems.push(`${name} must be a whole number (got "${text}")`);
        return options.default ?? 0;
      }
      if (options.min !== undefined && value < options.min) {
        problems.push(`${name} must be at least ${options.min} (got ${value})`);
      }
      if (options.max !== undefined && value > options.max) {
        problems.push(`${name} must be at most ${options.max} (got ${value})`);
      }
      return value;
    },

    /** Only "true"/"false"/"1"/"0"/"yes"/"no": "false" must never become true. */
    bool(name: string, options: Common<boolean> = {}) {
      const text = raw(name)?.toLowerCase();
      if (text === undefined) return options.default ?? false;
      if (['true', '1', 'yes'].includes(text)) return true;
      if (['false', '0', 'no'].includes(text)) return false;
      problems.push(`${name} must be true or false (got "${text}")`);
      return options.default ?? false;
    },

    /**
     * A URL; trailing slashes are dropped. With `emptyTurnsOff`, a variable set to an empty
     * value (`NAME=`) returns '' instead of the default: how an operator turns off a feature
     * that is on by default. Unset still means the default.
     */
    url(
      name: string,
      options: Common<string> & { protocols?: readonly string[]; emptyTurnsOff?: boolean } = {},
    ) {
      if (options.emptyTurnsOff && source[name]?.trim() === '') return '';
      const given = raw(name);
      // A default is checked where it comes from: one taken from another setting (ADMIN_URL
      // from RELAY_URL) was checked as that setting and is not a second problem.
      if (given === undefined) {
        if (options.required) missing(name);
        return (options.default ?? '').replace(/\/+$/, '');
      }
      const text = given;
      try {
        const url = new URL(text);
        if (options.protocols && !options.protocols.includes(url.protocol)) {
          problems.push(`${name} must use ${options.protocols.join(' or ')} (got ${url.protocol})`);
        }
      } catch {
        problems.push(`${name} must be a URL (got a value that does not parse)`);
      }
      return text.replace(/\/+$/, '');
    },

    /** A comma-separated list; empty items are dropped. */
    list(name: string, options: Common<string[]> = {}) {
      const text = raw(name);
      if (text === undefined) {
        if (options.required) missing(name);
        return options.default ?? [];
      }
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    },

    /**
     * A secret from NAME, or from the file named by NAME_FILE (re-read when it changes).
     * Setting both is an error: which one wins would be a guess.
     */
    secret(name: string, options: { required?: boolean } = {}): Secret | undefined {
      const inline = raw(name);
      const file = raw(`${name}_FILE`);
      if (inline !== undefined && file !== undefined) {
        problems.push(`set ${name} or ${name}_FILE, not both`);
        return undefined;
      }
      if (file !== undefined) {
        if (!existsSync(file)) {
          problems.push(`${name}_FILE points to ${file}, which does not exist`);
          return undefined;
        }
        try {
          return fileSecret(file);
        } catch (error) {
          const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
          problems.push(`${name}_FILE points to ${file}, which cannot be read (${why})`);
          return undefined;
        }
      }
      if (inline !== undefined) return staticSecret(inline, name);
      if (options.required) missing(name, ` (or ${name}_FILE)`);
      return undefined;
    },

    /** LOG_LEVEL, one of pino's levels. @defaultValue 'info' */
    logLevel(name = 'LOG_LEVEL') {
      return this.string(name, { default: 'info', oneOf: LOG_LEVELS });
    },

    /** Records a cross-field problem; the message should name the consequence. */
    problem(message: string) {
      problems.push(message);
    },

    /** Throws CONFIG_INVALID listing every problem found, or returns quietly. */
    finish() {
      if (problems.length > 0) {
        throw new AppError(
          'CONFIG_INVALID',
          `invalid configuration:\n  - ${problems.join('\n  - ')}`,
          { details: { problems: [...problems] } },
        );
      }
    },
  };
}

export type EnvReader = ReturnType<typeof createEnvReader>;
