import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../shared/principal.js';
import { callerId as caller, ok } from '../../shared/reply.js';
import { envelope } from '../../shared/schemas.js';
import {
  KindParams,
  OneAccessSchema,
  StaffGrantSchema,
  StaffQuery,
  SupportAccessListSchema,
} from './support.schemas.js';
import { supportService } from './support.service.js';

// Support access of the profile, and the support staff's view of the grants open to them
// (the rules are in support.service.ts).

const config = { auth: { scopes: ['user_info' as const] } };
const tags = ['Profile > Support access'];

export const supportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = supportService(app.db);
  supportAccessRoutes(app, service);
  openGrantsRoute(app, service);
};

type App = Parameters<FastifyPluginAsyncTypebox>[0];
type Service = ReturnType<typeof supportService>;

/** The caller's support access: what is granted, granting it, revoking it. */
function supportAccessRoutes(app: App, service: Service) {
  app.get(
    '/2/profile/support_access',
    {
      config,
      schema: {
        operationId: 'getSupportAccess',
        tags,
        summary: 'Whether support may access your mail, kDrive and kChat, until when, and your support code',
        response: { 200: envelope(SupportAccessListSchema) },
      },
    },
    async (req) => ok(await service.access(caller(req))),
  );

  app.put(
    '/2/profile/support_access/:kind',
    {
      config: { ...config, activity: { action: 'support_access_granted', target: { type: 'support_access' } } },
      schema: {
        operationId: 'grantSupportAccess',
        tags,
        summary: 'Let support access this kind of content (only this one) for 7 days; an open grant stays as it is',
        params: KindParams,
        response: { 200: envelope(OneAccessSchema) },
      },
    },
    async (req) => ok(await service.grant(caller(req), req.params.kind)),
  );

  app.delete(
    '/2/profile/support_access/:kind',
    {
      config: { ...config, activity: { action: 'support_access_revoked', target: { type: 'support_access' } } },
      schema: {
        operationId: 'revokeSupportAccess',
        tags,
        summary: "Close support's access to this kind of content at once",
        params: KindParams,
        response: { 200: envelope(OneAccessSchema) },
      },
    },
    async (req) => ok(await service.revoke(caller(req), req.params.kind)),
  );
}

/** The support grants open now. */
function openGrantsRoute(app: App, service: Service) {
  app.get(
    '/1/support/access_grants',
    {
      config,
      schema: {
        operationId: 'listOpenSupportGrants',
        tags: ['Support staff'],
        summary: 'Support staff: the grants open to support now, soonest to close first (users with is_staff only)',
        querystring: StaffQuery,
        response: { 200: envelope(Type.Array(StaffGrantSchema)) },
      },
    },
    async (req) => ok(await service.openGrants(principalOf(req).user, req.query)),
  );
}
