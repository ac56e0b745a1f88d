import type { IntercomClient } from '@relay/intercom';
import type { CompanyState, ContactState } from '@relay/jobs';

/** What processors work with: the lane's Intercom client and the per-record sync state. */
export type ProcessorDeps = {
  intercom: IntercomClient;
  contacts: ContactState;
  companies: CompanyState;
};
