/**
 * What the simulator's control API (`/__sim/…`) answers, typed once for every test. Written
 * from apps/intercom-sim/src/control/control-routes.ts and the records it shows (testkit may
 * not import the simulator: it stands in for a third party). Fields tests do not read are
 * left out where the answer is large (a contact carries the whole OpenAPI `contact` schema).
 */

/**
 * One API call the simulator received (`GET /__sim/journal`), oldest first; `Body` is what
 * the test knows the request bodies it reads to hold.
 */
export type JournalEntry<Body = unknown> = {
  /** 1, 2, 3… in arrival order; `journal(since)` gives the entries after a seq. */
  seq: number;
  /** Epoch ms, from the simulator's clock. */
  at: number;
  requestId: string;
  method: string;
  /** The URL as requested, query string included. */
  path: string;
  /** The route pattern matched, e.g. `/contacts/:contact_id`; null when none matched. */
  route: string | null;
  status: number;
  appId: string | null;
  /** The effective `Intercom-Version`; null if the call was refused before the route. */
  version: string | null;
  /** What happened besides the route running: a fault, or a refusal before the route. */
  outcome: string | null;
  /** intercom-version, accept, content-type, user-agent, and a redacted authorization. */
  headers: Record<string, string>;
  body: Body;
};

/** A contact as the simulated Intercom shows it (`GET /contacts/{id}`), the fields tests read. */
export type SimContact = {
  type: 'contact';
  id: string;
  workspace_id: string;
  external_id: string | null;
  role: 'user' | 'lead';
  /** '' when the contact has none, as Intercom answers. */
  email: string;
  phone: string | null;
  name: string | null;
  owner_id: number | null;
  created_at: number;
  updated_at: number;
  signed_up_at: number | null;
  last_seen_at: number | null;
  unsubscribed_from_emails: boolean;
  custom_attributes: Record<string, unknown>;
  /** The first 10 tags; `total_count` and `has_more` tell whether there are more. */
  tags: SimInlineList<'tag'>;
  /** The first 10 companies (`GET /contacts/{id}/companies` lists them all). */
  companies: SimInlineList<'company'>;
};

/** A contact's inline tags or companies: at most 10 items, as on Intercom. */
export type SimInlineList<Type extends 'tag' | 'company'> = {
  type: 'list';
  data: { type: Type; id: string; url: string }[];
  /** Where the full list is, e.g. `/contacts/{id}/tags`. */
  url: string;
  total_count: number;
  has_more: boolean;
};

/** The identifying fields a deleted or archived contact is notified with. */
export type SimContactReference = { type: 'contact'; id: string; external_id: string | null };

/** A company as the simulated Intercom shows it (`GET /companies/{id}`), the fields tests read. */
export type SimCompany = {
  type: 'company';
  /** Intercom's id. */
  id: string;
  /** The client's own id, immutable. */
  company_id: string;
  app_id: string;
  /** '' when unset, as the OpenAPI schema has it. */
  name: string;
  /** `{}` when the company has no plan. */
  plan: { type: 'plan'; id: string; name: string } | Record<string, never>;
  size: number;
  website: string;
  industry: string;
  monthly_spend: number;
  user_count: number;
  created_at: number;
  updated_at: number;
  custom_attributes: Record<string, unknown>;
};

/** One row of `GET /__sim/contacts`: a contact the simulator holds. */
export type SimContactEntry = {
  contact: SimContact;
  archived: boolean;
  /** Writes the API made to it (create, update, archive…). */
  writes: number;
};

/** A contact deleted through the API. */
export type SimDeletedContact = {
  id: string;
  external_id: string | null;
  deleted_at: number;
  writes: number;
};

/** `GET /__sim/contacts`. */
export type SimContacts = {
  total_count: number;
  contacts: SimContactEntry[];
  deleted: SimDeletedContact[];
};

/** A data event as stored; `user_id` is the contact's external_id. */
export type SimEvent = {
  type: 'event';
  id: string;
  event_name: string;
  created_at: number;
  user_id: string | null;
  intercom_user_id: string;
  email: string | null;
  metadata: Record<string, unknown>;
};

/** `GET /__sim/events`: the events stored, and how many duplicates were refused. */
export type SimEvents = { events: SimEvent[]; duplicates: number };

/** Webhook delivery counts and subscriptions (in `stats()` and `webhooks()`). */
export type SimWebhookStats = {
  emitted: number;
  sent: number;
  failed: number;
  retried: number;
  dropped: number;
  throttled: number;
  disabled: number;
  paused: number;
  skipped: number;
  /** Lost to the `dropShare` webhook fault: never sent. */
  lost: number;
  /** Held back by the `reorderShare` webhook fault, so later ones overtook them. */
  reordered: number;
  pendingRetries: number;
  /** Held back and not yet sent. */
  pendingReorders: number;
  inFlight: number;
  subscriptions: {
    url: string;
    state: 'active' | 'disabled';
    disabledAt: number | null;
    /** Topic → epoch ms it is paused until. */
    pausedTopics: Record<string, number>;
  }[];
};

/** One attempt to deliver one notification to one receiver. */
export type SimDelivery = {
  notificationId: string;
  topic: string;
  url: string;
  attempt: number;
  /** The receiver's status, or null when it did not answer (timeout, refused, reset). */
  status: number | null;
  error: string | null;
  ok: boolean;
  at: number;
};

/** `GET /__sim/webhooks`; `lostIds`: the last 1,000 notification ids lost, oldest first. */
export type SimWebhooks = SimWebhookStats & { deliveries: SimDelivery[]; lostIds: string[] };

/** Webhook delivery faults (`/__sim/webhooks/faults`, `--webhook-drop-share`…). */
export type SimWebhookFaults = {
  /** Share of notifications lost outright, in [0, 1]. */
  dropShare: number;
  /** Share held back `reorderDelayMs` before their first attempt, in [0, 1]. */
  reorderShare: number;
  reorderDelayMs: number;
};

/** `GET /__sim/stats`: API calls counted by endpoint and status, faults, budget, webhooks. */
export type SimStats = {
  total: number;
  rateLimited: number;
  /** `METHOD /route/pattern` → status → count. */
  calls: Record<string, Record<string, number>>;
  faults: { hung: number; connectionResets: number; malformed: number; injectedErrors: number };
  rateLimit: { windowMs: number; appLimit: number; workspaceLimit: number };
  webhooks: SimWebhookStats;
};
