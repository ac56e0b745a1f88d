import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { AppError } from '@relay/errors';

const PREFIX = 'whsec_';

/**
 * The signing secrets in CRM_WEBHOOK_SECRET: `whsec_<base64>`, or `new,old` during a rotation
 * (newest first), as key objects (an HMAC with a key object costs a fifth of one with the
 * key's bytes, which are prepared again on every call). Throws CONFIG_INVALID naming what is
 * wrong (never the value).
 */
export function parseSigningSecrets(value: string): KeyObject[] {
  const parts = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0) {
    throw new AppError('CONFIG_INVALID', 'CRM_WEBHOOK_SECRET is empty: give whsec_<base64>');
  }
  return parts.map((part, index) => {
    const encoded = part.startsWith(PREFIX) ? part.slice(PREFIX.length) : '';
    const key = Buffer.from(encoded, 'base64');
    if (
      encoded === '' ||
      !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ||
      key.length < 24 ||
      key.length > 64
    ) {
      throw new AppError(
        'CONFIG_INVALID',
        `CRM_WEBHOOK_SECRET: secret ${index + 1} of ${parts.length} must be whsec_ followed by 24 to 64 bytes in base64 (as Standard Webhooks secrets are)`,
      );
    }
    return createSecretKey(key);
  });
}

/**
 * The `webhook-signature` header of Standard Webhooks: `v1,<base64 HMAC-SHA256>` over
 * `{id}.{timestamp}.{body}`, one per secret, space-separated (a rotation: the CRM verifies
 * with either). Node's HMAC, not the `standardwebhooks` package's pure-JS SHA-256: it is on
 * every delivery; the tests verify with the package.
 */
export function signatureHeader(
  secrets: readonly KeyObject[],
  id: string,
  timestampSeconds: number,
  body: string,
): string {
  const signed = `${id}.${timestampSeconds}.${body}`;
  return secrets
    .map((secret) => `v1,${createHmac('sha256', secret).update(signed).digest('base64')}`)
    .join(' ');
}
