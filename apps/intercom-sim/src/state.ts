import { createCompanyMembers } from './companies/company-members.ts';
import type { CompanyRecord } from './companies/company-record.ts';
import { createCompanyScrolls } from './companies/company-scrolls.ts';
import { type CompanyChange, createCompanyStore } from './companies/company-store.ts';
import { companyView } from './companies/company-view.ts';
import { createContactLinks } from './contacts/contact-links.ts';
import type { ContactRecord } from './contacts/contact-record.ts';
import { type ContactChange, createContactStore } from './contacts/contact-store.ts';
import { createConversationStore } from './conversations/conversation-store.ts';
import { createDataAttributeRegistry } from './data-attributes/data-attribute-registry.ts';
import { createEventStore } from './events/event-store.ts';
import { createFaultInjector } from './faults/fault-injector.ts';
import { createArticleStore, createCollectionStore } from './help-center/help-center-stores.ts';
import { createCallRecorder } from './http/call-recorder.ts';
import { createObjectIdGenerator } from './lib/object-id.ts';
import { createSimClock } from './lib/sim-clock.ts';
import { createCallStats } from './observability/call-stats.ts';
import { createJournal } from './observability/journal.ts';
import { resolveOptions, type SimulatorOptions } from './options.ts';
import { createRateLimiter } from './rate-limit/rate-limiter.ts';
import { createSearchIndex } from './search/search-index.ts';
import { loadSeed } from './seed/seed-loader.ts';
import { createStatusPage } from './status-page/status-page.ts';
import { createTagStore } from './tags/tag-store.ts';
import { contactNotification } from './webhooks/contact-topics.ts';
import { createWebhookSender } from './webhooks/webhook-sender.ts';

/** Everything the simulator holds; routes and control routes work on this. */
export function createSimulatorState(input: SimulatorOptions = {}) {
  const resolved = resolveOptions(input);
  // Every part of the simulator reads time through this clock, which /__sim/clock can move.
  const clock = createSimClock(resolved.now);
  const options = { ...resolved, now: clock.now };
  const { now, workspaceId } = options;
  const newId = createObjectIdGenerator(now);
  const nowSeconds = () => Math.floor(now() / 1000);
  let seeding = false;

  const webhooks = createWebhookSender({
    urls: options.webhookUrls,
    secret: options.webhookSecret,
    workspaceId,
    retryDelayMs: options.webhookRetryDelayMs,
    timeoutMs: options.webhookTimeoutMs,
    ca: options.webhookCa || undefined,
    limits: {
      throttleDelayMs: options.webhookThrottleDelayMs,
      throttleMaxMs: options.webhookThrottleMaxMs,
      pauseErrorThreshold: options.webhookPauseErrors,
      pauseWindowMs: options.webhookPauseWindowMs,
      pauseMs: options.webhookPauseMs,
    },
    faults: {
      dropShare: options.webhookDropShare,
      reorderShare: options.webhookReorderShare,
      reorderDelayMs: options.webhookReorderDelayMs,
    },
    random: options.random,
    now,
  });
  const contactIndex = createSearchIndex<ContactRecord>({ lagMs: options.searchLagMs, now });
  const companyMembers = createCompanyMembers();

  function onContactChange(change: ContactChange) {
    const { contact, previous } = change;
    const gone = change.kind === 'deleted';
    companyMembers.apply(contact.id, previous?.company_ids ?? [], gone ? [] : contact.company_ids);
    if (change.kind === 'merged') companyMembers.apply(change.from.id, change.from.company_ids, []);
    if (seeding) return contactIndex.load(contact);
    if (gone || contact.archived) contactIndex.remove(contact.id);
    else contactIndex.put(contact);
    if (change.kind === 'merged') contactIndex.remove(change.from.id);
    const { topic, item } = contactNotification(change, nowSeconds());
    webhooks.emit(topic, item);
  }

  const contacts = createContactStore({ workspaceId, now, newId, onChange: onContactChange });
  const viewCompany = (company: CompanyRecord) =>
    companyView(company, workspaceId, companyMembers.count(company.id));

  function onCompanyChange({ kind, company }: CompanyChange) {
    if (seeding) return;
    const item =
      kind === 'deleted'
        ? { type: 'company', id: company.id, company_id: company.company_id }
        : viewCompany(company);
    webhooks.emit(`company.${kind}`, item);
  }
  const companies = createCompanyStore({ now, newId, onChange: onCompanyChange });

  const tags = createTagStore(now);
  function seed() {
    seeding = true;
    try {
      loadSeed({ contacts, companies, tags }, options.seed);
    } finally {
      seeding = false;
    }
  }
  seed();

  const stats = createCallStats();
  const journal = createJournal(options.journalLimit);

  const state = {
    options,
    clock,
    startedAt: now(),
    newId,
    appIdByToken: new Map(options.tokens.map((grant) => [grant.token, grant.appId])),
    rateLimiter: createRateLimiter({
      appLimit: options.rateLimit,
      workspaceLimit: options.workspaceRateLimit,
      windowMs: options.windowMs,
    }),
    faults: createFaultInjector({ baseline: options.faults, now, random: options.random }),
    stats,
    journal,
    recordCall: createCallRecorder({ stats, journal, options }),
    webhooks,
    contacts,
    contactIndex,
    contactLinks: createContactLinks(contacts),
    companies,
    companyScrolls: createCompanyScrolls({ now, companies: () => companies.all() }),
    companyMembers,
    companyView: viewCompany,
    tags,
    conversations: createConversationStore(now),
    articles: createArticleStore(),
    statusPage: createStatusPage(now),
    collections: createCollectionStore(),
    events: createEventStore(),
    dataAttributes: createDataAttributeRegistry({
      definitions: options.customAttributes,
      strict: options.strictCustomAttributes,
      now,
    }),
    /** Deleting a company first detaches its contacts (each detach is a contact write). */
    detachAllContacts(company: CompanyRecord) {
      const view = viewCompany(company);
      for (const contactId of [...companyMembers.contactIds(company.id)]) {
        state.contactLinks.detach(contacts.require(contactId), view);
      }
      companyMembers.forget(company.id);
    },
    /** Back to the start: the seed, empty journal and stats, start-up faults, real time. */
    reset() {
      webhooks.reset();
      for (const store of [
        contacts,
        contactIndex,
        companies,
        state.companyScrolls,
        companyMembers,
        state.tags,
        state.events,
        state.conversations,
        state.articles,
        state.collections,
      ]) {
        store.clear();
      }
      state.dataAttributes.clear();
      state.rateLimiter.reset();
      stats.reset();
      journal.clear();
      state.faults.clear();
      state.statusPage.reset();
      clock.reset();
      seed();
    },
  };
  return state;
}

export type SimulatorState = ReturnType<typeof createSimulatorState>;
