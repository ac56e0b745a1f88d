import type { IntercomClient } from '@relay/intercom';
import type { CompanyState, ContactState, ErasureStore } from '@relay/jobs';
import type { Queue } from 'bullmq';

/** What processors work with: the lane's Intercom client and the per-record sync state. */
export type ProcessorDeps = {
  intercom: IntercomClient;
  contacts: ContactState;
  companies: CompanyState;
  erasure: ErasureStore;
  /** Every lane's queue, whichever lanes this process drains (erasure removes jobs from all). */
  allQueues: readonly Queue[];
};
