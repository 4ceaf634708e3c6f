import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';

// Rows the profile and task endpoints read, inserted directly: the API has no way to create
// them yet (phones, sessions and tasks come from flows that are not mirrored).

const now = () => Math.floor(Date.now() / 1000);

export interface EmailOverrides {
  email_type?: 'email' | 'email_request';
  type?: 'personal' | 'professional' | 'other';
  reminder?: boolean;
  checked?: boolean;
}

export async function addEmail(db: Db, userId: number, email: string, o: EmailOverrides = {}) {
  return db
    .insertInto('user_emails')
    .values({
      user_id: userId,
      email,
      email_type: o.email_type ?? 'email',
      type: o.type ?? 'professional',
      reminder: o.reminder ?? false,
      checked: o.checked ?? true,
    })
    .returning(['id', 'email', 'created_at'])
    .executeTakeFirstOrThrow();
}

export async function addPhone(db: Db, userId: number, phone: string, reminder?: 'true' | 'false') {
  return db
    .insertInto('user_phones')
    .values({ user_id: userId, phone, type: 'personal', reminder, checked: true })
    .returning(['id', 'phone', 'created_at'])
    .executeTakeFirstOrThrow();
}

export async function addSession(db: Db, userId: number, browser = 'Firefox', lastAccessedAt = now()) {
  return db
    .insertInto('user_sessions')
    .values({
      user_id: userId,
      browser,
      device: 'desktop',
      location: 'Geneva, CH',
      ip: '192.0.2.10',
      user_agent: `Mozilla/5.0 ${browser}`,
      last_accessed_at: lastAccessedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export interface TaskOverrides {
  uuid?: string;
  status?: 'spooled' | 'running' | 'executed' | 'failed';
  created_at?: number;
  response?: Record<string, unknown> | null;
  error?: Record<string, unknown> | null;
  executed_at?: number | null;
  finished_at?: number | null;
}

/** An asynchronous task of the user; jsonb values are cast explicitly to behave alike on pg and PGlite. */
export async function addTask(db: Db, userId: number, o: TaskOverrides = {}) {
  const uuid = o.uuid ?? randomUUID();
  const created = o.created_at ?? now();
  const json = (v: Record<string, unknown> | null | undefined) =>
    v == null ? null : sql<Record<string, unknown>>`${JSON.stringify(v)}::jsonb`;
  await db
    .insertInto('async_tasks')
    .values({
      uuid,
      user_id: userId,
      status: o.status ?? 'spooled',
      created_at: created,
      updated_at: created,
      response: json(o.response),
      error: json(o.error),
      executed_at: o.executed_at ?? null,
      finished_at: o.finished_at ?? null,
    })
    .execute();
  return uuid;
}

/** An organisation the user is not (yet) a member of; `join` makes them one. */
export async function addAccount(db: Db, name: string, joinUserId?: number) {
  const account = await db
    .insertInto('accounts')
    .values({ name, updated_at: now() })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (joinUserId !== undefined) {
    await db
      .insertInto('account_members')
      .values({ account_id: account.id, user_id: joinUserId, role_type: 'normal' })
      .execute();
  }
  return account.id;
}
