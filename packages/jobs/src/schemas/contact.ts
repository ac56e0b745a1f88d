import { type Static, Type } from 'typebox';

const AttributeValue = Type.Union([
  Type.String({ maxLength: 65_535 }),
  Type.Number(),
  Type.Boolean(),
  Type.Null(),
]);

export const ContactCompany = Type.Object(
  {
    company_id: Type.String({ minLength: 1, maxLength: 255 }),
    name: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: false },
);
export type ContactCompany = Static<typeof ContactCompany>;

/** One contact as the CRM sends it: identified by the CRM's own id, `external_id`. */
export const ContactInput = Type.Object(
  {
    external_id: Type.String({ minLength: 1, maxLength: 255 }),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 255 })),
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    name: Type.Optional(Type.String({ maxLength: 255 })),
    role: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('lead')])),
    custom_attributes: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 190 }), AttributeValue, {
        maxProperties: 100,
      }),
    ),
    companies: Type.Optional(Type.Array(ContactCompany, { maxItems: 50 })),
    /**
     * Claims a contact made in Intercom (a Messenger lead fed with `external_id: null`): the
     * relay sets this external_id on it and maps it, instead of creating a contact.
     */
    intercom_id: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9a-zA-Z]+$' }),
    ),
  },
  { additionalProperties: false },
);
export type ContactInput = Static<typeof ContactInput>;

export const MAX_BATCH_ITEMS = 1_000;

/** The batch envelope; items are validated one by one so one bad item rejects only itself. */
export const ContactBatch = Type.Object(
  { contacts: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_BATCH_ITEMS }) },
  { additionalProperties: false },
);
export type ContactBatch = Static<typeof ContactBatch>;

/**
 * The contact as pushed when the job was created. The worker syncs the contact's latest
 * pending data instead (see contact-state.ts), which includes later pushes coalesced into
 * this job; this copy stays for inspection and dead-letter triage.
 */
export type ContactUpsertJob = {
  contact: ContactInput;
  /** When the ingress accepted it (ms since epoch). */
  receivedAt: number;
};

/** A GDPR erasure request for the contact with this external_id. */
export type ContactEraseJob = { externalId: string; requestedAt: number };

/** The scheduled sweep (BullMQ job scheduler); it carries no data. */
export type ContactsReconcileJob = Record<string, never>;

/** Merge a lead into a user, both named by their external_id. */
export const ContactMergeRequest = Type.Object(
  {
    lead_external_id: Type.String({ minLength: 1, maxLength: 255 }),
    user_external_id: Type.String({ minLength: 1, maxLength: 255 }),
  },
  { additionalProperties: false },
);
export type ContactMergeRequest = Static<typeof ContactMergeRequest>;

export type ContactMergeJob = {
  leadExternalId: string;
  userExternalId: string;
  requestedAt: number;
};

/** Archive (true) or unarchive (false) the contact with this external_id. */
export type ContactArchiveJob = { externalId: string; archived: boolean; requestedAt: number };

/** Contacts to load into the read cache ahead of reads. */
export const CacheWarmRequest = Type.Object(
  {
    external_ids: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), {
      minItems: 1,
      maxItems: 1_000,
    }),
  },
  { additionalProperties: false },
);
export type CacheWarmRequest = Static<typeof CacheWarmRequest>;

export type ContactsWarmJob = { externalIds: string[]; requestedAt: number };
