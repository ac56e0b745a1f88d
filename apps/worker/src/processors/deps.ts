import type { IntercomClient } from '@relay/intercom';
import type { ErasureStore } from '@relay/jobs';
import type { CompanyState, ContactCache, ContactState } from '@relay/sync';
import type { Metrics } from '@relay/telemetry';
import type { Queue } from 'bullmq';
import type { ReconcileMarks } from '../reconcile-marks.ts';
import type { ConversationSink } from '../webhooks/conversation-sink.ts';

/** What processors work with: the lane's Intercom client and the per-record sync state. */
export type ProcessorDeps = {
  intercom: IntercomClient;
  contacts: ContactState;
  companies: CompanyState;
  erasure: ErasureStore;
  /** Every lane's queue, whichever lanes this process drains (erasure removes jobs from all). */
  allQueues: readonly Queue[];
  /** Copies of contacts for the ingress's reads: webhooks refresh them, erasure drops them. */
  contactCache: ContactCache;
  /** How far each reconciliation sweep got. */
  reconcileMarks: ReconcileMarks;
  /** Where conversation notifications go (CONVERSATION_SINK). */
  conversationSink: ConversationSink;
  metrics?: Metrics;
};
