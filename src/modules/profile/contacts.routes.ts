import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principalOf } from '../../shared/principal.js';
import { Type } from 'typebox';
import { ok } from '../../shared/reply.js';
import { envelope, TrueEnvelope } from '../../shared/schemas.js';
import { EmailParams, EmailSchema, PhoneParams, PhoneSchema } from './profile.schemas.js';
import { profileService } from './profile.service.js';

// The email addresses and phone numbers attached to the profile.
const config = { auth: { scopes: ['user_info' as const] } };
const emailTags = ['Profile > Emails'];
const phoneTags = ['Profile > Phones'];

export const contactsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = profileService(app.db);
  emailRoutes(app, service);
  phoneRoutes(app, service);
};

type App = Parameters<FastifyPluginAsyncTypebox>[0];
type Service = ReturnType<typeof profileService>;

/** The caller's email addresses: the list, one, deleting one. */
function emailRoutes(app: App, service: Service) {
  app.get(
    '/2/profile/emails',
    {
      config,
      schema: {
        operationId: 'listProfileEmails',
        tags: emailTags,
        summary: 'List emails',
        response: { 200: envelope(Type.Array(EmailSchema)) },
      },
    },
    async (req) => ok(await service.emails(principalOf(req).user.id)),
  );

  app.get(
    '/2/profile/emails/:email_type/:email_id',
    {
      config,
      schema: {
        operationId: 'getProfileEmail',
        tags: emailTags,
        summary: 'Display an email',
        params: EmailParams,
        response: { 200: envelope(EmailSchema) },
      },
    },
    async (req) => ok(await service.email(principalOf(req).user.id, req.params.email_type, req.params.email_id)),
  );

  app.delete(
    '/2/profile/emails/:email_type/:email_id',
    {
      config: { ...config, activity: { action: 'email_deleted', target: { type: 'email', param: 'email_id' } } },
      schema: {
        operationId: 'deleteProfileEmail',
        tags: emailTags,
        summary: 'Delete an email',
        params: EmailParams,
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => ok(await service.deleteEmail(principalOf(req).user, req.params.email_type, req.params.email_id)),
  );
}

/** The caller's phone numbers: the list, one, deleting one. */
function phoneRoutes(app: App, service: Service) {
  app.get(
    '/2/profile/phones',
    {
      config,
      schema: {
        operationId: 'listProfilePhones',
        tags: phoneTags,
        summary: 'List phones',
        response: { 200: envelope(Type.Array(PhoneSchema)) },
      },
    },
    async (req) => ok(await service.phones(principalOf(req).user.id)),
  );

  app.get(
    '/2/profile/phones/:phone_id',
    {
      config,
      schema: {
        operationId: 'getProfilePhone',
        tags: phoneTags,
        summary: 'Display a phone',
        params: PhoneParams,
        response: { 200: envelope(PhoneSchema) },
      },
    },
    async (req) => ok(await service.phone(principalOf(req).user.id, req.params.phone_id)),
  );

  app.delete(
    '/2/profile/phones/:phone_id',
    {
      config: { ...config, activity: { action: 'phone_deleted', target: { type: 'phone', param: 'phone_id' } } },
      schema: {
        operationId: 'deleteProfilePhone',
        tags: phoneTags,
        summary: 'Delete a phone',
        params: PhoneParams,
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => ok(await service.deletePhone(principalOf(req).user.id, req.params.phone_id)),
  );
}
