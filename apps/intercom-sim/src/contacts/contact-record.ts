/**
 * A contact as the simulator holds it: wire field names, immutable (every write makes a new
 * object, so the search index can keep old versions without copying).
 */
type ContactRole = 'user' | 'lead';

export type CustomAttributes = Readonly<Record<string, unknown>>;

/** The fields a client may write through `POST /contacts` and `PUT /contacts/{id}`. */
export type ContactFields = {
  role: ContactRole;
  external_id: string | null;
  email: string | null;
  phone: string | null;
  name: string | null;
  avatar: string | null;
  owner_id: number | null;
  signed_up_at: number | null;
  last_seen_at: number | null;
  unsubscribed_from_emails: boolean;
  custom_attributes: CustomAttributes;
};

export type ContactRecord = ContactFields & {
  readonly type: 'contact';
  /** Creation order, used for stable search ordering and cursors. */
  readonly seq: number;
  readonly id: string;
  readonly workspace_id: string;
  readonly created_at: number;
  readonly updated_at: number;
  readonly archived: boolean;
  readonly tag_ids: readonly string[];
  readonly company_ids: readonly string[];
};

export const emptyContactFields: ContactFields = {
  role: 'user',
  external_id: null,
  email: null,
  phone: null,
  name: null,
  avatar: null,
  owner_id: null,
  signed_up_at: null,
  last_seen_at: null,
  unsubscribed_from_emails: false,
  custom_attributes: {},
};
