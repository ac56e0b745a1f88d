import { createHmac } from 'node:crypto';

/** `X-Hub-Signature`: `sha1=` + hex HMAC-SHA1 of the raw body with the app's client secret. */
export function hubSignature(secret: string, rawBody: string): string {
  return `sha1=${createHmac('sha1', secret).update(rawBody).digest('hex')}`;
}
