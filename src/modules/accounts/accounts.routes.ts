import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../shared/principal.js';
import { ok } from '../../shared/reply.js';
import { envelope, listEnvelope } from '../../shared/schemas.js';
import {
  AccountParams,
  AccountQuery,
  AccountSchema,
  BasicTeamSchema,
  ListAccountsQuery,
  PatchAccountBody,
  ServiceCountSchema,
} from './accounts.schemas.js';
import { accountsService } from './accounts.service.js';

const config = { auth: { scopes: ['accounts' as const] } };
const tags = ['Accounts'];

type App = Parameters<FastifyPluginAsyncTypebox>[0];
type Service = ReturnType<typeof accountsService>;

export const accountsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = accountsService(app.db);

  accountListRoutes(app, service);
  accountDetailRoutes(app, service);
  accountSummaryRoutes(app, service);
};

/** The organisations the caller belongs to, under both paths upstream answers. */
function accountListRoutes(app: App, service: Service) {
  // Upstream's apps call the singular path; both answer alike.
  for (const [url, operationId] of [
    ['/1/accounts', 'listAccounts'],
    ['/1/account', 'listAccountsAlias'],
  ] as const) {
    app.get(
      url,
      {
        config: { ...config, access: { min: 'member', scoped: false } },
        schema: {
          operationId,
          tags,
          summary:
            url === '/1/account'
              ? 'List accounts (singular alias of /1/accounts)'
              : 'The organisations the caller belongs to, with their role in each',
          querystring: ListAccountsQuery,
          response: { 200: listEnvelope(AccountSchema) },
        },
      },
      async (req) => service.list(principalOf(req).user.id, req.query),
    );
  }
}

/** One organisation: reading and changing it. */
function accountDetailRoutes(app: App, service: Service) {
  // Clients written for upstream still call the legacy singular path; both answer alike.
  for (const [url, operationId] of [
    ['/1/accounts/:account_id', 'getAccount'],
    ['/1/account/:account_id', 'getAccountAlias'],
  ] as const) {
    app.get(
      url,
      {
        config: { ...config, access: { min: 'member' } },
        schema: {
          operationId,
          tags,
          summary:
            url === '/1/account/:account_id'
              ? 'One organisation (legacy singular alias of /1/accounts/{account_id})'
              : "One organisation; `type` is the caller's role in it",
          params: AccountParams,
          querystring: AccountQuery,
          response: { 200: envelope(AccountSchema) },
        },
      },
      async (req) => ok(await service.get(principalOf(req).user.id, req.params.account_id, req.query.with)),
    );
  }

  app.patch(
    '/1/accounts/:account_id',
    {
      config: {
        ...config,
        access: { min: 'owner' },
        activity: { action: 'account_updated', target: { type: 'account', param: 'account_id' } },
      },
      schema: {
        operationId: 'updateAccount',
        tags,
        summary: "Change the organisation's details (owner only); `addresses` replaces the list",
        params: AccountParams,
        body: PatchAccountBody,
        response: { 200: envelope(AccountSchema) },
      },
    },
    async (req) => ok(await service.update(principalOf(req).user.id, req.params.account_id, req.body)),
  );
}

/** What an organisation holds: its product counts per service and its teams. */
function accountSummaryRoutes(app: App, service: Service) {
  app.get(
    '/1/accounts/:account_id/services',
    {
      config: { ...config, access: { min: 'member' } },
      schema: {
        operationId: 'listAccountServices',
        tags,
        summary: 'Product counts per service (a normal member counts the products they hold a right on)',
        params: AccountParams,
        response: { 200: envelope(Type.Array(ServiceCountSchema)) },
      },
    },
    async (req) => ok(await service.services(principalOf(req).user.id, req.params.account_id)),
  );

  app.get(
    '/1/accounts/:account_id/basic/teams',
    {
      config: { ...config, access: { min: 'member' } },
      schema: {
        operationId: 'listAccountBasicTeams',
        tags,
        summary: "A light list of the organisation's teams",
        params: AccountParams,
        querystring: AccountQuery,
        response: { 200: envelope(Type.Array(BasicTeamSchema)) },
      },
    },
    async (req) => ok(await service.basicTeams(principalOf(req).user.id, req.params.account_id, req.query.with)),
  );
}
