import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import { listParams, listResult } from '../../shared/pagination.js';
import { principalOf } from '../../shared/principal.js';
import { ok } from '../../shared/reply.js';
import { envelope, listEnvelope, TrueEnvelope } from '../../shared/schemas.js';
import { parseWith } from '../../shared/with.js';
import { MEMBER_SORTABLE, type ListFilter } from './members.repository.js';
import {
  AccountParams,
  AccountUserSchema,
  GetUserQuery,
  LegalResponsibleBody,
  ListUsersQuery,
  MEMBER_RELATIONS,
  PatchUserBody,
  RemoveUsersBody,
  UserParams,
} from './members.schemas.js';
import { membersService } from './members.service.js';

const config = { auth: { scopes: ['accounts' as const] } };
const tags = ['Accounts > Users'];

const bool = (v?: string) => (v === undefined ? undefined : v === '1' || v === 'true');

/** Filters may come as `filter[x]` or as plain `x`; the `filter[...]` form wins. */
function filterOf(q: Static<typeof ListUsersQuery>): ListFilter {
  const f = { ...q, ...q.filter };
  return {
    role_type: f.role_type,
    state_in_account: f.state_in_account,
    search: f.search?.trim() || undefined,
    team_ids: f.team_ids,
    user_ids: f.user_ids,
    has_billing_access: bool(f.has_billing_access),
  };
}

type Service = ReturnType<typeof membersService>;

export const membersRoutes: FastifyPluginAsyncTypebox<{ publicUrl: () => string }> = async (app, { publicUrl }) => {
  const service = membersService(app.db, publicUrl);

  memberListRoutes(app, service);
  memberDetailRoutes(app, service);

  membershipChangeRoutes(app, service);
};

/** An organisation's users, filtered and paged. */
function memberListRoutes(app: App, service: Service) {
  app.get(
    '/2/accounts/:account/users',
    {
      config: { ...config, access: { min: 'member' } },
      schema: {
        operationId: 'listAccountUsers',
        tags,
        summary: 'List the members and pending invitees of an organisation',
        params: AccountParams,
        querystring: ListUsersQuery,
        response: { 200: listEnvelope(AccountUserSchema) },
      },
    },
    async (req) => {
      const params = listParams(req.query, MEMBER_SORTABLE, []);
      const wanted = parseWith(req.query.with, MEMBER_RELATIONS);
      const { items, total } = await service.list(
        principalOf(req).user,
        req.params.account,
        filterOf(req.query),
        params,
        wanted,
      );
      return listResult(items, total, params);
    },
  );
}

/** One user of an organisation. */
function memberDetailRoutes(app: App, service: Service) {
  app.get(
    '/2/accounts/:account/users/:user',
    {
      config: { ...config, access: { min: 'member' } },
      schema: {
        operationId: 'getAccountUser',
        tags,
        summary: 'A member of an organisation',
        params: UserParams,
        querystring: GetUserQuery,
        response: { 200: envelope(AccountUserSchema) },
      },
    },
    async (req) =>
      ok(
        await service.get(
          principalOf(req).user,
          req.params.account,
          req.params.user,
          parseWith(req.query.with, MEMBER_RELATIONS),
        ),
      ),
  );
}

type App = Parameters<FastifyPluginAsyncTypebox>[0];

/** The routes that change memberships: roles and rights, removals, leaving, the legal responsible. */
function membershipChangeRoutes(app: App, service: Service) {
  memberUpdateRoutes(app, service);
  memberRemovalRoutes(app, service);
  memberDepartureRoutes(app, service);
}

/** Changing a member's role and access. */
function memberUpdateRoutes(app: App, service: Service) {
  app.patch(
    '/2/accounts/:account/users/:user',
    {
      config: {
        ...config,
        access: { min: 'admin' },
        activity: { action: 'user_permissions_changed', target: { type: 'user', param: 'user' } },
      },
      schema: {
        operationId: 'updateAccountUser',
        tags,
        summary: "Change a member's role, billing access, mailings, product rights or teams",
        params: UserParams,
        body: PatchUserBody,
        response: { 200: envelope(AccountUserSchema) },
      },
    },
    async (req) => ok(await service.update(principalOf(req).user, req.params.account, req.params.user, req.body)),
  );
}

/** Removing one member or several. */
function memberRemovalRoutes(app: App, service: Service) {
  app.delete(
    '/2/accounts/:account/users/:user',
    {
      config: {
        ...config,
        access: { min: 'admin' },
        activity: { action: 'user_removed', target: { type: 'user', param: 'user' } },
      },
      schema: {
        operationId: 'removeAccountUser',
        tags,
        summary: 'Remove a member from the organisation',
        params: UserParams,
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => ok(await service.remove(principalOf(req).user, req.params.account, [req.params.user], 'user')),
  );

  app.post(
    '/2/accounts/:account/users/remove',
    {
      config: { ...config, access: { min: 'admin' }, activity: { action: 'user_removed' } },
      schema: {
        operationId: 'removeAccountUsers',
        tags,
        summary: 'Remove several members at once: all of them or none',
        params: AccountParams,
        body: RemoveUsersBody,
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => ok(await service.remove(principalOf(req).user, req.params.account, req.body.user_ids, 'user_ids')),
  );
}

/** Leaving an organisation, handing over its legal responsibility. */
function memberDepartureRoutes(app: App, service: Service) {
  app.post(
    '/1/accounts/:account/leave',
    {
      config: { ...config, access: { min: 'member' }, activity: { action: 'user_left' } },
      schema: {
        operationId: 'leaveAccount',
        tags,
        summary: 'Leave an organisation',
        params: AccountParams,
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => ok(await service.leave(principalOf(req).user, req.params.account)),
  );

  app.post(
    '/1/accounts/:account/legal_responsible',
    {
      config: {
        ...config,
        access: { min: 'owner' },
        activity: { action: 'owner_role_assigned', target: { type: 'user' } },
      },
      schema: {
        operationId: 'handOverLegalResponsible',
        tags,
        summary: 'Hand the legal responsibility (owner role) over to another member, atomically',
        params: AccountParams,
        body: LegalResponsibleBody,
        response: { 200: TrueEnvelope },
      },
    },
    async (req) =>
      ok(await service.handOver(principalOf(req).user, req.params.account, req.body.user_id, req.body.previous_role)),
  );
}
