import type { Command } from '../../args.ts';
import { ExitCode } from '../../errors.ts';
import { writeJson, writeLine } from '../../io.ts';
import { adminFor } from '../queues/admin.ts';

export const feedEnable: Command = {
  name: 'feed enable',
  summary: 'resume pushing changes to the CRM after its endpoint answered 410 Gone',
  help: `Usage: relay feed enable [--json]

Enables the CRM's webhook endpoint again (POST /admin/feed/push/enable, needs ADMIN_TOKEN)
after it answered 410 Gone, which stops every delivery until an operator acts: deliveries
resume at once, each record's latest undelivered change first, and the failures counted so
far are forgotten. Run it once the CRM's endpoint is back (CRM_WEBHOOK_URL on the workers);
\`relay feed status\` shows the endpoint's state. Nothing was lost meanwhile: the pull feed
kept every change.`,

  async run(context) {
    const result = await adminFor(context, 'feed').feedEnable();
    if (context.json) writeJson(context.io.stdout, result);
    else if (result.endpointState === 'disabled') {
      writeLine(
        context.io.stdout,
        'the CRM endpoint is disabled again: it answered 410 Gone meanwhile; check CRM_WEBHOOK_URL',
      );
    } else {
      writeLine(
        context.io.stdout,
        `the CRM endpoint is enabled (${result.endpointState}): deliveries resume`,
      );
    }
    return result.endpointState === 'disabled' ? ExitCode.failed : ExitCode.ok;
  },
};
