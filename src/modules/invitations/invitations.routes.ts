import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../shared/principal.js';
import { ok } from '../../shared/reply.js';
import { envelope, TrueEnvelope } from '../../shared/schemas.js';
import { parseWith } from '../../shared/with.js';
import {
  AccountParams,
  CreateInvitationBody,
  InvitationParams,
  InvitationSchema,
  PatchInvitationBody,
  RELATIONS,
  UserInvitationsQuery,
  UserParams,
  WithOnlyQuery,
} from './invitations.schemas.js';
import { invitationsService } from './invitations.service.js';

const config = { auth: { scopes: ['accounts' as const] } };
const tags = ['Invitations'];

type App = Parameters<FastifyPluginAsyncTypebox>[0];
type Service = ReturnType<typeof invitationsService>;

export const invitationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = invitationsService(app.db, () => app.publicUrl);

  invitationCreationRoutes(app, service);
  invitationChangeRoutes(app, service);
  userInvitationRoutes(app, service);
};

/** Inviting people into an organisation, and reading an invitation. */
function invitationCreationRoutes(app: App, service: Service) {
  app.post(
    '/1/accounts/:account/invitations',
    {
      config: {
        ...config,
        access: { min: 'admin' },
        activity: { action: 'user_invited', target: { type: 'invitation', fromResponse: true } },
      },
      schema: {
        operationId: 'createInvitation',
        tags,
        summary: 'Invite someone to the organisation (an owner only may invite an owner)',
        params: AccountParams,
        querystring: WithOnlyQuery,
        body: CreateInvitationBody,
        response: { 201: envelope(InvitationSchema) },
      },
    },
    async (req, reply) => {
      parseWith(req.query.with, RELATIONS);
      return reply.status(201).send(ok(await service.create(principalOf(req), req.params.account, req.body)));
    },
  );

  app.get(
    '/1/accounts/:account/invitations/:invitation',
    {
      config: { ...config, access: { min: 'admin' } },
      schema: {
        operationId: 'getInvitation',
        tags,
        summary: 'Display an invitation of the organisation',
        params: InvitationParams,
        querystring: WithOnlyQuery,
        response: { 200: envelope(InvitationSchema) },
      },
    },
    async (req) => {
      parseWith(req.query.with, RELATIONS);
      return ok(await service.get(principalOf(req), req.params.account, req.params.invitation));
    },
  );
}

/** Changing or cancelling an invitation. */
function invitationChangeRoutes(app: App, service: Service) {
  app.patch(
    '/1/accounts/:account/invitations/:invitation',
    {
      config: {
        ...config,
        access: { min: 'admin' },
        activity: { action: 'item_modified', target: { type: 'invitation', param: 'invitation' } },
      },
      schema: {
        operationId: 'updateInvitation',
        tags,
        summary: 'Change a pending invitation: role, teams, product rights, billing and mailing flags, language',
        params: InvitationParams,
        body: PatchInvitationBody,
        response: { 200: envelope(InvitationSchema) },
      },
    },
    async (req) => ok(await service.update(principalOf(req), req.params.account, req.params.invitation, req.body)),
  );

  app.delete(
    '/1/accounts/:account/invitations/:invitation',
    {
      config: {
        ...config,
        access: { min: 'admin' },
        activity: { action: 'item_deleted', target: { type: 'invitation', param: 'invitation' } },
      },
      schema: {
        operationId: 'cancelInvitation',
        tags,
        summary: 'Cancel a pending invitation',
        params: InvitationParams,
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => ok(await service.cancel(principalOf(req), req.params.account, req.params.invitation)),
  );
}

/** The invitations the caller has received. */
function userInvitationRoutes(app: App, service: Service) {
  app.get(
    '/1/accounts/:account/invitations/users/:user',
    {
      config: { ...config, access: { min: 'admin' } },
      schema: {
        operationId: 'listUserInvitations',
        tags,
        summary: 'Every invitation of a user into the organisation (administrators, or that user)',
        params: UserParams,
        querystring: UserInvitationsQuery,
        response: { 200: envelope(Type.Array(InvitationSchema)) },
      },
    },
    async (req) => {
      const type = req.query.type ?? req.query.filter?.type;
      return ok(await service.listForUser(principalOf(req), req.params.account, req.params.user, type));
    },
  );
}
