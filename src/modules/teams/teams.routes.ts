import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listResult } from '../../shared/pagination.js';
import { principalOf } from '../../shared/principal.js';
import { ok } from '../../shared/reply.js';
import { invalidField } from '../../shared/errors.js';
import { emptyBodyWhenNone } from '../../shared/optional-body.js';
import { envelope, listEnvelope, TrueEnvelope } from '../../shared/schemas.js';
import {
  AccountParams,
  CreateTeamBody,
  TeamParams,
  TeamQuery,
  TeamSchema,
  TeamsQuery,
  TeamUserIdsBody,
  TeamUserRemovalBody,
  TeamUserRemovalQuery,
  TeamUserSchema,
  TeamUsersQuery,
  UpdateTeamBody,
} from './teams.schemas.js';
import { teamsService } from './teams.service.js';

const config = { auth: { scopes: ['accounts' as const] } };
const tags = ['Accounts > Teams'];
const caller = (req: Parameters<typeof principalOf>[0]) => principalOf(req).user.id;

type App = Parameters<FastifyPluginAsyncTypebox>[0];
type Service = ReturnType<typeof teamsService>;

export const teamsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = teamsService(app.db, () => app.publicUrl);

  teamListRoutes(app, service);
  teamDetailRoutes(app, service);
  teamDeletionRoutes(app, service);

  teamUsersRoutes(app, service);
};

/** An organisation's teams: listing them and creating one. */
function teamListRoutes(app: App, service: Service) {
  app.get(
    '/1/accounts/:account/teams',
    {
      config: { ...config, access: { min: 'member' } },
      schema: {
        operationId: 'listTeams',
        tags,
        summary: 'List the teams of an organisation (any member)',
        params: AccountParams,
        querystring: TeamsQuery,
        response: { 200: listEnvelope(TeamSchema) },
      },
    },
    async (req) => {
      const { items, total, params } = await service.list(caller(req), req.params.account, req.query);
      return listResult(items, total, params);
    },
  );

  app.post(
    '/1/accounts/:account/teams',
    {
      config: {
        ...config,
        access: { min: 'admin' },
        activity: { action: 'team_created', target: { type: 'team', fromResponse: true } },
      },
      schema: {
        operationId: 'createTeam',
        tags,
        summary: 'Create a team (administrators and owners)',
        params: AccountParams,
        body: CreateTeamBody,
        response: { 201: envelope(TeamSchema) },
      },
    },
    async (req, reply) => reply.status(201).send(ok(await service.create(caller(req), req.params.account, req.body))),
  );
}

/** One team: reading and changing it. */
function teamDetailRoutes(app: App, service: Service) {
  app.get(
    '/1/accounts/:account/teams/:team',
    {
      config: { ...config, access: { min: 'member' } },
      schema: {
        operationId: 'getTeam',
        tags,
        summary: 'Get a team (any member)',
        params: TeamParams,
        querystring: TeamQuery,
        response: { 200: envelope(TeamSchema) },
      },
    },
    async (req) => ok(await service.get(caller(req), req.params.account, req.params.team, req.query.with)),
  );

  app.patch(
    '/1/accounts/:account/teams/:team',
    {
      config: {
        ...config,
        access: { min: 'admin' },
        activity: { action: 'team_updated', target: { type: 'team', param: 'team' } },
      },
      schema: {
        operationId: 'updateTeam',
        tags,
        summary: "Update a team (administrators and owners; the team's owner for everything but its permissions)",
        params: TeamParams,
        body: UpdateTeamBody,
        response: { 200: envelope(TeamSchema) },
      },
    },
    async (req) => ok(await service.update(caller(req), req.params.account, req.params.team, req.body)),
  );
}

/** Deleting a team. */
function teamDeletionRoutes(app: App, service: Service) {
  app.delete(
    '/1/accounts/:account/teams/:team',
    {
      config: {
        ...config,
        access: { min: 'admin' },
        activity: { action: 'team_deleted', target: { type: 'team', param: 'team' } },
      },
      schema: {
        operationId: 'deleteTeam',
        tags,
        summary: 'Delete a team (administrators and owners)',
        params: TeamParams,
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => ok(await service.remove(caller(req), req.params.account, req.params.team)),
  );
}

/** A team's users: listing, adding, removing. */
function teamUsersRoutes(app: App, service: Service) {
  teamUserListRoutes(app, service);
  teamUserRemovalRoutes(app, service);
}

/** A team's users: listing them and adding some. */
function teamUserListRoutes(app: App, service: Service) {
  app.get(
    '/1/accounts/:account/teams/:team/users',
    {
      config: { ...config, access: { min: 'member' } },
      schema: {
        operationId: 'listTeamUsers',
        tags,
        summary: 'List the users of a team (any member)',
        params: TeamParams,
        querystring: TeamUsersQuery,
        response: { 200: listEnvelope(TeamUserSchema) },
      },
    },
    async (req) => {
      const { items, total, params } = await service.listUsers(
        caller(req),
        req.params.account,
        req.params.team,
        req.query,
      );
      return listResult(items, total, params);
    },
  );

  app.post(
    '/1/accounts/:account/teams/:team/users',
    {
      config: {
        ...config,
        access: { min: 'admin' },
        activity: { action: 'team_updated', target: { type: 'team', param: 'team' } },
      },
      schema: {
        operationId: 'addTeamUsers',
        tags,
        summary: "Add members of the organisation to a team, all or none (administrators, owners, the team's owner)",
        params: TeamParams,
        body: TeamUserIdsBody,
        response: { 201: TrueEnvelope },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(ok(await service.addUsers(caller(req), req.params.account, req.params.team, req.body.user_ids))),
  );
}

/** Removing users from a team. */
function teamUserRemovalRoutes(app: App, service: Service) {
  app.delete(
    '/1/accounts/:account/teams/:team/users',
    {
      config: {
        ...config,
        access: { min: 'admin' },
        activity: { action: 'team_updated', target: { type: 'team', param: 'team' } },
      },
      schema: {
        operationId: 'removeTeamUsers',
        tags,
        summary: "Remove users from a team (administrators, owners, the team's owner)",
        description: '`user_ids` in the JSON body or, as clients send it with no body, `user_ids[]=` in the query.',
        params: TeamParams,
        querystring: TeamUserRemovalQuery,
        body: TeamUserRemovalBody,
        response: { 200: TrueEnvelope },
      },
      preValidation: emptyBodyWhenNone,
    },
    async (req) => {
      const userIds = req.body.user_ids ?? req.query.user_ids;
      if (!userIds) throw invalidField('user_ids', 'required', 'The user_ids field is required');
      return ok(await service.removeUsers(caller(req), req.params.account, req.params.team, userIds));
    },
  );
}
