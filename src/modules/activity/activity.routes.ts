import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Executor } from '../../db/database.js';
import { requireMember } from '../accounts/index.js';
import { listParams, listResult, type ListParams } from '../../shared/pagination.js';
import { callerId as caller } from '../../shared/reply.js';
import { listEnvelope } from '../../shared/schemas.js';
import { AccountLogsQuery, AccountParams, ActivitySchema, LOG_SORTABLE, ProfileLogsQuery } from './activity.schemas.js';

// Reading the activity log: one's own (every organisation and the profile), or an
// organisation's (owners and administrators only).

interface Filter { user_id?: number; account_id?: number; action?: string; product_id?: number; from?: number; to?: number; search?: string }

async function logs(db: Executor, f: Filter, p: ListParams) {
  let base = db.selectFrom('activity_logs as l').leftJoin('users as u', 'u.id', 'l.user_id');
  if (f.user_id !== undefined) base = base.where('l.user_id', '=', f.user_id);
  if (f.account_id !== undefined) base = base.where('l.account_id', '=', f.account_id);
  if (f.action !== undefined) base = base.where('l.action', '=', f.action);
  if (f.product_id !== undefined) base = base.where('l.product_id', '=', f.product_id);
  if (f.from !== undefined) base = base.where('l.created_at', '>=', f.from);
  if (f.to !== undefined) base = base.where('l.created_at', '<=', f.to);
  if (f.search) {
    const like = `%${f.search.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;
    base = base.where((eb) => eb.or([eb('l.action', 'like', like), eb('l.target_type', 'like', like), eb(eb.fn('lower', ['u.email']), 'like', like)]));
  }
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  if (p.totalOnly) return { items: [], total: Number(total) };
  let q = base.select([
    'l.id', 'l.action', 'l.user_id', 'u.email as user_email', 'l.account_id', 'l.target_type', 'l.target_id', 'l.product_id', 'l.ip', 'l.user_agent', 'l.created_at',
  ]);
  for (const s of p.sort) q = q.orderBy(`l.${s.field as (typeof LOG_SORTABLE)[number]}`, s.dir);
  q = q.orderBy('l.id', 'desc').offset(p.offset);
  if (p.limit !== undefined) q = q.limit(p.limit);
  return { items: await q.execute(), total: Number(total) };
}

const newestFirst = [{ field: 'id', dir: 'desc' as const }];

export const activityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/2/profile/logs', {
    config: { auth: { scopes: ['user_info'] } },
    schema: {
      operationId: 'listProfileLogs', tags: ['Profile > Activity'],
      summary: 'The caller\'s own recent activity (sign-ins, tokens, changes they made anywhere), newest first',
      querystring: ProfileLogsQuery, response: { 200: listEnvelope(ActivitySchema) },
    },
  }, async (req) => {
    const params = listParams(req.query, LOG_SORTABLE, newestFirst);
    const { items, total } = await logs(app.db, { ...req.query, user_id: caller(req) }, params);
    return listResult(items, total, params);
  });

  app.get('/1/accounts/:account/logs', {
    config: { auth: { scopes: ['accounts'] } },
    schema: {
      operationId: 'listAccountLogs', tags: ['Organisations > Activity'],
      summary: 'The organisation\'s activity: every change to it, its members, rights, products, billing and renewals (owners and administrators)',
      params: AccountParams, querystring: AccountLogsQuery, response: { 200: listEnvelope(ActivitySchema) },
    },
  }, async (req) => {
    await requireMember(app.db, req.params.account, caller(req), 'admin', 'read the activity log');
    const q = { ...req.query, ...req.query.filter };
    const params = listParams(req.query, LOG_SORTABLE, newestFirst);
    const { items, total } = await logs(app.db, { ...q, account_id: req.params.account }, params);
    return listResult(items, total, params);
  });
};
