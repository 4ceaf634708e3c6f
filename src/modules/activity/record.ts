import type { Executor } from '../../db/database.js';

// One line of the activity log: who (null for the mirror itself), in which organisation,
// what (an action code of GET /1/actions), on what, from where.

export interface ActivityEntry {
  user_id: number | null;
  account_id?: number | null;
  action: string;
  target_type?: string | null;
  target_id?: number | null;
  product_id?: number | null;
  ip?: string | null;
  user_agent?: string | null;
}

export function recordActivity(db: Executor, e: ActivityEntry) {
  return db.insertInto('activity_logs').values({
    user_id: e.user_id, account_id: e.account_id ?? null, action: e.action, target_type: e.target_type ?? null,
    target_id: e.target_id ?? null, product_id: e.product_id ?? null, ip: e.ip ?? null, user_agent: e.user_agent?.slice(0, 512) ?? null,
  }).execute();
}
