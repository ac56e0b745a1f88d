import type { FastifyInstance } from 'fastify';
import { IntercomHttpError } from '../http/intercom-error.ts';
import type { SimulatorState } from '../state.ts';
import { simAdmin } from './sim-admin.ts';

export function registerAdminRoutes(app: FastifyInstance, state: SimulatorState): void {
  const workspaceId = state.options.workspaceId;
  const app_ = {
    type: 'app',
    id_code: workspaceId,
    name: `Simulated workspace ${workspaceId}`,
    created_at: Math.floor(state.startedAt / 1000),
    secure: false,
    identity_verification: false,
    timezone: 'Etc/UTC',
    region: 'US',
  };

  app.get('/me', async () => ({
    ...simAdmin,
    email_verified: true,
    avatar: { type: 'avatar', image_url: null },
    app: app_,
  }));

  app.get('/admins', async () => ({ type: 'admin.list', admins: [simAdmin] }));

  app.get<{ Params: { admin_id: string } }>('/admins/:admin_id', async (request) => {
    if (request.params.admin_id !== simAdmin.id) {
      throw new IntercomHttpError(404, 'admin_not_found', 'Admin not found');
    }
    return simAdmin;
  });
}
