import { type DestinationStream, type Logger, pino } from 'pino';
import { scrubText, scrubValues } from './scrub.ts';

export type { Logger } from 'pino';

export type LoggerOptions = {
  service: string;
  /** @defaultValue 'info' */
  level?: string;
  /** Where lines go; stdout when absent. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
};

/**
 * Paths that may hold a secret or personal data (values are also scrubbed by pattern: see
 * scrub.ts). Untrusted payloads are logged under a key
 * (`payload`, `item`, `body`), never spread at the top level, so these paths catch them.
 */
export const REDACTED_PATHS = [
  'token',
  'accessToken',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-hub-signature"]',
  'headers["x-hub-signature"]',
  'email',
  'phone',
  'name',
  '*.token',
  '*.accessToken',
  '*.authorization',
  '*.email',
  '*.phone',
  '*.name',
  '*.*.email',
  '*.*.phone',
  '*.*.name',
  'payload',
  'body',
  'item',
  'custom_attributes',
  '*.custom_attributes',
];

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (record) => scrubValues(record) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrubText(arg) : arg));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}
