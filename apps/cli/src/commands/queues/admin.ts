import type { CommandContext } from '../../args.ts';
import { requireSecret } from '../../config.ts';
import { createAdminClient } from '../../relay/admin-client.ts';

/** The admin API client for a queues (or feed) command; ADMIN_TOKEN missing is a usage error. */
export function adminFor(context: CommandContext, commands = 'queues') {
  const token = requireSecret(
    context.config.adminToken,
    'ADMIN_TOKEN',
    `the ${commands} commands use the admin API`,
  );
  return createAdminClient({ adminUrl: context.config.adminUrl, token });
}
