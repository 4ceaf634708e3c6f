import type { Executor } from '../db/database.js';

export interface Notification {
  recipient: string;
  kind: string;
  subject: string;
  body: string;
  user_id?: number | null;
  account_id?: number | null;
}

/**
 * Queues an email-like notification. Nothing is sent anywhere: the outbox is what a mail
 * worker would read. Written in the caller's transaction, so it exists only if the change does.
 */
export function notify(db: Executor, n: Notification) {
  return db.insertInto('notifications_outbox').values({ user_id: null, account_id: null, ...n }).execute();
}
