import type { Insertable, Transaction } from 'kysely';
import type { Database } from '../../db/types.js';

// The rows a fixture writes, all inside the seed's one transaction.

type Trx = Transaction<Database>;
type New<T extends keyof Database> = Insertable<Database[T]>;

export async function insertAccount(trx: Trx, values: New<'accounts'>): Promise<number> {
  return (await trx.insertInto('accounts').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export async function markStaff(trx: Trx, userId: number): Promise<void> {
  await trx.updateTable('users').set({ is_staff: true }).where('id', '=', userId).execute();
}

export async function insertApiToken(trx: Trx, values: New<'api_tokens'>): Promise<void> {
  await trx.insertInto('api_tokens').values(values).execute();
}

export async function insertMember(trx: Trx, values: New<'account_members'>): Promise<void> {
  await trx.insertInto('account_members').values(values).execute();
}

export async function insertTeam(trx: Trx, values: New<'teams'>): Promise<number> {
  return (await trx.insertInto('teams').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export async function insertTeamMember(trx: Trx, teamId: number, userId: number): Promise<void> {
  await trx.insertInto('team_members').values({ team_id: teamId, user_id: userId }).execute();
}

export async function insertPaymentMethod(trx: Trx, values: New<'payment_methods'>): Promise<number> {
  return (await trx.insertInto('payment_methods').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export async function insertProduct(trx: Trx, values: New<'products'>) {
  return trx.insertInto('products').values(values).returning(['id', 'expired_at']).executeTakeFirstOrThrow();
}

export async function insertPrepaidEntry(trx: Trx, values: New<'prepaid_ledger'>): Promise<void> {
  await trx.insertInto('prepaid_ledger').values(values).execute();
}
