import type { KeyObject } from 'node:crypto';
import { changeId } from '../change-entry.ts';
import type { CrmEndpoint, EndpointAnswer } from './crm-endpoint.ts';
import { signatureHeader } from './webhook-signature.ts';

/**
 * The body delivered for a slot's waiting change: the change as the log holds it, with its id,
 * its type and `changed` as the slot has them (a change that stood for older ones carries
 * what they changed too, and a waiting create stays a create).
 */
export function deliveryBody(
  logged: string,
  cursor: string,
  type: string,
  changed: string,
): { json: string; recordedAt: number } {
  // The change as logged (no merge): its id goes in by splicing, not by a parse and a
  // stringify of the whole change (bench/push-throughput.ts). The log writes
  // {"type":…,"timestamp":…,"data":{…}} (change-entry.ts).
  if (type === '' && changed === '') {
    const data = logged.indexOf('"data":{');
    const stamp = logged.indexOf('"timestamp":"');
    if (data > 0 && stamp > 0 && logged[data + 8] !== '}') {
      const from = stamp + 13;
      return {
        json: `${logged.slice(0, data + 8)}"id":${JSON.stringify(changeId(cursor))},${logged.slice(data + 8)}`,
        recordedAt: Date.parse(logged.slice(from, logged.indexOf('"', from))),
      };
    }
  }
  const change = JSON.parse(logged) as {
    type: string;
    timestamp: string;
    data: Record<string, unknown>;
  };
  const data: Record<string, unknown> = { id: changeId(cursor), ...change.data };
  if (changed !== '') data.changed = JSON.parse(changed) as string[];
  return {
    json: JSON.stringify({ type: type || change.type, timestamp: change.timestamp, data }),
    recordedAt: Date.parse(change.timestamp),
  };
}

/** POSTs a change with the Standard Webhooks headers (webhook-id: the change id). */
export function sendSigned(
  endpoint: CrmEndpoint,
  secrets: readonly KeyObject[],
  cursor: string,
  json: string,
  nowMs: number,
): Promise<EndpointAnswer> {
  const id = changeId(cursor);
  const timestamp = Math.floor(nowMs / 1_000);
  return endpoint.post(
    {
      id,
      timestamp: String(timestamp),
      signature: signatureHeader(secrets, id, timestamp, json),
    },
    json,
  );
}

export const isDelivered = (answer: EndpointAnswer) => answer.status >= 200 && answer.status < 300;

/** For logs and errors: the status, or why there was none. */
export const answerText = (answer: EndpointAnswer) =>
  answer.status === 0 ? (answer.failure ?? 'no answer') : `HTTP ${answer.status}`;
