import { randomInt } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Executor } from '../../db/database.js';
import type { SupportKind } from '../../db/types.js';
import { accessDenied } from '../../shared/errors.js';
import { callerId as caller, ok } from '../../shared/reply.js';
import { envelope } from '../../shared/schemas.js';
import { nowSeconds } from '../../shared/time.js';
import {
  GRANT_SECONDS, KindParams, OneAccessSchema, StaffGrantSchema, StaffQuery, SUPPORT_KINDS, SupportAccessListSchema,
} from './support.schemas.js';
import { Type } from 'typebox';

// Support access ("autoriser le Support"): the user lets support into one kind of content at a
// time, for 7 days on the mirror's clock, and may close it at once. Support staff (users with
// is_staff) see the grants open to them and nothing else.

const config = { auth: { scopes: ['user_info' as const] } };
const tags = ['Profile > Support access'];
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

type Grant = { granted_at: number; expires_at: number; revoked_at: number | null };

/** A kind's state from its latest grant: open, closed (revoked or expired, and when), or never. */
function stateOf(kind: SupportKind, g: Grant | undefined, now: number) {
  if (!g) return { kind, status: 'never' as const, granted_at: null, expires_at: null, closed_at: null, closed_reason: null };
  const base = { kind, granted_at: Number(g.granted_at), expires_at: Number(g.expires_at) };
  if (g.revoked_at !== null) return { ...base, status: 'closed' as const, closed_at: Number(g.revoked_at), closed_reason: 'revoked' as const };
  if (Number(g.expires_at) <= now) return { ...base, status: 'closed' as const, closed_at: Number(g.expires_at), closed_reason: 'expired' as const };
  return { ...base, status: 'open' as const, closed_at: null, closed_reason: null };
}

const latest = (db: Executor, userId: number, kind: SupportKind) =>
  db.selectFrom('support_grants').select(['id', 'granted_at', 'expires_at', 'revoked_at'])
    .where('user_id', '=', userId).where('kind', '=', kind).orderBy('id', 'desc').limit(1).executeTakeFirst();

/** The user's support code, made the first time it is asked for. */
async function supportCode(db: Executor, userId: number): Promise<string> {
  const row = await db.selectFrom('users').select('support_code').where('id', '=', userId).executeTakeFirstOrThrow();
  if (row.support_code) return row.support_code;
  for (;;) {
    const pick = () => Array.from({ length: 4 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    const code = `${pick()}-${pick()}`;
    const set = await db.updateTable('users').set({ support_code: code }).where('id', '=', userId).where('support_code', 'is', null)
      .returning('support_code').executeTakeFirst().catch(() => undefined);
    if (set?.support_code) return set.support_code;
    const again = await db.selectFrom('users').select('support_code').where('id', '=', userId).executeTakeFirstOrThrow();
    if (again.support_code) return again.support_code;
  }
}

export const supportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/2/profile/support_access', {
    config,
    schema: { operationId: 'getSupportAccess', tags, summary: 'Whether support may access your mail, kDrive and kChat, until when, and your support code', response: { 200: envelope(SupportAccessListSchema) } },
  }, async (req) => {
    const user = caller(req);
    const now = nowSeconds();
    const access = [];
    for (const kind of SUPPORT_KINDS) access.push(stateOf(kind, await latest(app.db, user, kind), now));
    return ok({ support_code: await supportCode(app.db, user), access });
  });

  app.put('/2/profile/support_access/:kind', {
    config: { ...config, activity: { action: 'support_access_granted', target: { type: 'support_access' } } },
    schema: {
      operationId: 'grantSupportAccess', tags, summary: 'Let support access this kind of content (only this one) for 7 days; an open grant stays as it is',
      params: KindParams, response: { 200: envelope(OneAccessSchema) },
    },
  }, async (req) => {
    const user = caller(req);
    const now = nowSeconds();
    await supportCode(app.db, user);
    const current = await latest(app.db, user, req.params.kind);
    if (stateOf(req.params.kind, current, now).status === 'open') return ok(stateOf(req.params.kind, current, now));
    const g = await app.db.insertInto('support_grants').values({ user_id: user, kind: req.params.kind, granted_at: now, expires_at: now + GRANT_SECONDS })
      .returning(['granted_at', 'expires_at', 'revoked_at']).executeTakeFirstOrThrow();
    return ok(stateOf(req.params.kind, g, now));
  });

  app.delete('/2/profile/support_access/:kind', {
    config: { ...config, activity: { action: 'support_access_revoked', target: { type: 'support_access' } } },
    schema: { operationId: 'revokeSupportAccess', tags, summary: 'Close support\'s access to this kind of content at once', params: KindParams, response: { 200: envelope(OneAccessSchema) } },
  }, async (req) => {
    const user = caller(req);
    const now = nowSeconds();
    await app.db.updateTable('support_grants').set({ revoked_at: now })
      .where('user_id', '=', user).where('kind', '=', req.params.kind).where('revoked_at', 'is', null).where('expires_at', '>', now).execute();
    return ok(stateOf(req.params.kind, await latest(app.db, user, req.params.kind), now));
  });

  app.get('/1/support/access_grants', {
    config,
    schema: {
      operationId: 'listOpenSupportGrants', tags: ['Support staff'],
      summary: 'Support staff: the grants open to support now, soonest to close first (users with is_staff only)',
      querystring: StaffQuery, response: { 200: envelope(Type.Array(StaffGrantSchema)) },
    },
  }, async (req) => {
    if (!req.principal!.user.is_staff) throw accessDenied('Reserved to support staff');
    const now = nowSeconds();
    let q = app.db.selectFrom('support_grants as g').innerJoin('users as u', 'u.id', 'g.user_id')
      .select(['g.id', 'g.user_id', 'u.support_code', 'g.kind', 'g.granted_at', 'g.expires_at'])
      .where('g.revoked_at', 'is', null).where('g.expires_at', '>', now);
    if (req.query.support_code) q = q.where('u.support_code', '=', req.query.support_code.toUpperCase());
    if (req.query.kind) q = q.where('g.kind', '=', req.query.kind);
    const rows = await q.orderBy('g.expires_at').orderBy('g.id').execute();
    return ok(rows.map((r) => ({ ...r, support_code: r.support_code ?? '' })));
  });
};
