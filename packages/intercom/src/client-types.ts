/** What the relay sends to and reads from Intercom, in its own terms. */
export type ContactWrite = {
  role?: 'user' | 'lead';
  external_id?: string;
  email?: string;
  phone?: string;
  name?: string;
  custom_attributes?: Record<string, string | number | boolean | null>;
};

export type CompanyWrite = {
  company_id: string;
  name?: string;
  plan?: string;
  website?: string;
  industry?: string;
  size?: number;
  monthly_spend?: number;
  remote_created_at?: number;
  custom_attributes?: Record<string, string | number | boolean | null>;
};

export type ArticleWrite = {
  title: string;
  body?: string | undefined;
  description?: string | undefined;
  /** The Intercom admin who authors it (numeric id). */
  authorId: number;
  state?: 'draft' | 'published' | undefined;
  parentId?: number | undefined;
  parentType?: 'collection' | 'section' | undefined;
};

export type ConversationPart = {
  partType: string;
  body: string | null;
  authorId: string | null;
  /** Unix seconds. */
  createdAt: number;
};

export type DataAttributeInfo = {
  name: string;
  dataType: 'string' | 'integer' | 'float' | 'boolean' | 'date';
  custom: boolean;
  apiWritable: boolean;
  archived: boolean;
};

export type DataEvent = {
  externalId: string;
  name: string;
  /** Unix seconds. */
  createdAt: number;
  metadata?: Record<string, string | number | boolean> | undefined;
};

/** One search filter: a field compared with a value (dates in Unix seconds, compared by day). */
export type SearchFilter = {
  field: string;
  operator: '=' | '!=' | 'IN' | 'NIN' | '<' | '>' | '~' | '!~' | '^' | '$';
  value: string | number | boolean | null | (string | number)[];
};

/**
 * Intercom's search query: a filter, or an AND/OR group of filters and groups, e.g.
 * `role = user AND (email ~ "@acme.com" OR plan = "enterprise")`. Intercom refuses nesting
 * deeper than 2 levels or more than 15 filters per group with a 400. Our own type because
 * the SDK's cannot mix a filter and a group in one group, which Intercom allows.
 */
export type SearchQuery = SearchFilter | { operator: 'AND' | 'OR'; value: SearchQuery[] };

/** The fields of an Intercom contact the relay reads. */
export type IntercomContact = {
  id: string;
  external_id?: string | null | undefined;
  role?: string;
  email?: string | null;
  phone?: string | null;
  name?: string | null;
  custom_attributes?: Record<string, unknown> | null;
};

/** How a call goes out (the rate budget, the breaker, the auth hold and the error mapping). */
export type Send = <T>(operation: () => Promise<T>) => Promise<T>;
