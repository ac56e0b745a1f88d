import type { CommandContext } from '../../args.ts';
import { requireSecret } from '../../config.ts';
import { createAdminClient } from '../../relay/admin-client.ts';

/** The admin API client for a queues command; ADMIN_TOKEN missing is a usage error. */
export function adminFor(context: CommandContext) {
  const token = requireSecret(
    context.config.adminToken,
    'ADMIN_TOKEN',
    'the queues commands use the admin API',
  );
  return createAdminClient({ adminUrl: context.config.adminUrl, token });
}
