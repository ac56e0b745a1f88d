import { randomUUID } from 'node:crypto';
import Fastify, { LogController } from 'fastify';
import { registerAdminRoutes } from './admins/admin-routes.ts';
import { registerCompanyRoutes } from './companies/company-routes.ts';
import { registerContactCompanyRoutes } from './companies/contact-company-routes.ts';
import { registerContactRoutes } from './contacts/contact-routes.ts';
import { registerContactSearchRoutes } from './contacts/contact-search-routes.ts';
import { registerClockControlRoutes } from './control/clock-control-routes.ts';
import { registerCompanyChangeRoutes } from './control/company-change-routes.ts';
import { registerContactChangeRoutes } from './control/contact-change-routes.ts';
import { registerContactLinkChangeRoutes } from './control/contact-link-change-routes.ts';
import { registerControlRoutes } from './control/control-routes.ts';
import { registerConversationControlRoutes } from './control/conversation-control-routes.ts';
import { registerWebhookFaultRoutes } from './control/webhook-fault-routes.ts';
import { createConversationActions } from './conversations/conversation-actions.ts';
import { registerConversationRoutes } from './conversations/conversation-routes.ts';
import { registerDataAttributeRoutes } from './data-attributes/data-attribute-routes.ts';
import { registerEventRoutes } from './events/event-routes.ts';
import { registerArticleRoutes } from './help-center/article-routes.ts';
import { registerCollectionRoutes } from './help-center/collection-routes.ts';
import { createApiGate } from './http/api-gate.ts';
import { createCallHooks } from './http/call-hooks.ts';
import { registerErrorHandling, registerJsonParser } from './http/error-handler.ts';
import type { SimRequestContext } from './http/request-context.ts';
import { collectRoutes } from './http/route-list.ts';
import type { SimulatorOptions } from './options.ts';
import { createSimulatorState } from './state.ts';
import { registerStatusPageRoutes } from './status-page/status-page-routes.ts';
import { registerTagRoutes } from './tags/tag-routes.ts';

export type { SimulatorOptions } from './options.ts';

/** Builds the simulator without listening: `app.inject()` in tests, `app.listen()` in main. */
export function buildSimulator(options: SimulatorOptions = {}) {
  const state = createSimulatorState(options);
  const app = Fastify({
    // Never stdout: the CLI's stdout carries only the "listening" line.
    logger: state.options.logger ? { level: 'info', stream: process.stderr } : false,
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    // Hung requests (a fault) must not keep `close()` waiting forever.
    forceCloseConnections: true,
  });

  const routes = collectRoutes(app);
  // Set by the API gate, the first hook of every request; null only until then.
  app.decorateRequest('sim', null as unknown as SimRequestContext);
  registerJsonParser(app);
  registerErrorHandling(app);
  app.addHook('onRequest', createApiGate(state));
  const hooks = createCallHooks(state);
  app.addHook('onSend', hooks.onSend);
  app.addHook('onResponse', hooks.onResponse);
  app.addHook('onClose', async () => state.webhooks.stop());

  registerAdminRoutes(app, state);
  registerStatusPageRoutes(app, state);
  registerContactRoutes(app, state);
  registerContactSearchRoutes(app, state);
  registerTagRoutes(app, state);
  registerCompanyRoutes(app, state);
  registerContactCompanyRoutes(app, state);
  registerEventRoutes(app, state);
  registerDataAttributeRoutes(app, state);
  const conversationActions = createConversationActions(state);
  registerConversationRoutes(app, state, conversationActions);
  registerArticleRoutes(app, state);
  registerCollectionRoutes(app, state);
  registerControlRoutes(app, state);
  registerClockControlRoutes(app, state);
  registerWebhookFaultRoutes(app, state);
  registerConversationControlRoutes(app, state, conversationActions);
  registerContactChangeRoutes(app, state);
  registerContactLinkChangeRoutes(app, state);
  registerCompanyChangeRoutes(app, state);
  return { app, state, routes };
}

export type Simulator = ReturnType<typeof buildSimulator>;
