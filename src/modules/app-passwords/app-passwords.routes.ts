import { randomInt } from 'node:crypto';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { notFound } from '../../shared/errors.js';
import { callerId as caller, ok } from '../../shared/reply.js';
import { envelope, TrueEnvelope } from '../../shared/schemas.js';
import { hashPassword } from '../../shared/secrets.js';
import { nowSeconds } from '../../shared/time.js';
import { AppPasswordSchema, CreateAppPasswordBody, CreatedAppPasswordSchema, PasswordParams } from './app-passwords.schemas.js';

// Application passwords, as upstream: a password per application (a mail client, a script)
// that signs in with the OAuth password grant instead of the account password. Shown once,
// kept as an Argon2 hash; deleting one stops it at once.

const config = { auth: { scopes: ['user_info' as const] } };
const tags = ['Profile > Application passwords'];
const COLUMNS = ['id', 'name', 'last_used_at', 'created_at'] as const;
// No 0/o/1/l: read off a screen and typed into an app.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** Four groups of four (80 bits), e.g. kq7d-4mzp-x9tr-2hbw. */
const newAppPassword = () =>
  Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')).join('-');

export const appPasswordsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const live = (userId: number) => app.db.selectFrom('app_passwords').where('user_id', '=', userId).where('deleted_at', 'is', null);

  app.get('/2/profile/applications/passwords', {
    config,
    schema: { operationId: 'listApplicationPasswords', tags, summary: 'The caller\'s application passwords (never the passwords themselves)', response: { 200: envelope(Type.Array(AppPasswordSchema)) } },
  }, async (req) => ok(await live(caller(req)).select([...COLUMNS]).orderBy('id').execute()));

  app.post('/2/profile/applications/passwords', {
    config: { ...config, activity: { action: 'application_password_created', target: { type: 'application_password', fromResponse: true } } },
    schema: {
      operationId: 'createApplicationPassword', tags, summary: 'Create an application password; the answer shows it this once',
      body: CreateAppPasswordBody, response: { 201: envelope(CreatedAppPasswordSchema) },
    },
  }, async (req, reply) => {
    const password = newAppPassword();
    const row = await app.db.insertInto('app_passwords')
      .values({ user_id: caller(req), name: req.body.name.trim(), password_hash: await hashPassword(password) })
      .returning([...COLUMNS]).executeTakeFirstOrThrow();
    return reply.code(201).send(ok({ ...row, password }));
  });

  app.get('/2/profile/applications/passwords/:password_id', {
    config,
    schema: { operationId: 'getApplicationPassword', tags, summary: 'One application password', params: PasswordParams, response: { 200: envelope(AppPasswordSchema) } },
  }, async (req) => {
    const row = await live(caller(req)).select([...COLUMNS]).where('id', '=', req.params.password_id).executeTakeFirst();
    if (!row) throw notFound('Application password');
    return ok(row);
  });

  app.delete('/2/profile/applications/passwords/:password_id', {
    config: { ...config, activity: { action: 'application_password_revoked', target: { type: 'application_password', param: 'password_id' } } },
    schema: { operationId: 'deleteApplicationPassword', tags, summary: 'Delete an application password: it stops working at once', params: PasswordParams, response: { 200: TrueEnvelope } },
  }, async (req) => {
    const r = await app.db.updateTable('app_passwords').set({ deleted_at: nowSeconds() })
      .where('id', '=', req.params.password_id).where('user_id', '=', caller(req)).where('deleted_at', 'is', null).executeTakeFirst();
    if (!Number(r.numUpdatedRows)) throw notFound('Application password');
    return ok(true);
  });
};
