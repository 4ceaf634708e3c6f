import type { Insertable, Transaction } from 'kysely';
import type { Database } from '../../db/types.js';

// The rows a fixture writes, all inside the seed's one transaction.

type Trx = Transaction<Database>;
type New<T extends keyof Database> = Insertable<Database[T]>;

export function seedRepository(trx: Trx) {
  return {
    async insertAccount(values: New<'accounts'>): Promise<number> {
      return (await trx.insertInto('accounts').values(values).returning('id').executeTakeFirstOrThrow()).id;
    },
    async markStaff(userId: number): Promise<void> {
      await trx.updateTable('users').set({ is_staff: true }).where('id', '=', userId).execute();
    },
    async insertApiToken(values: New<'api_tokens'>): Promise<void> {
      await trx.insertInto('api_tokens').values(values).execute();
    },
    async insertMember(values: New<'account_members'>): Promise<void> {
      await trx.insertInto('account_members').values(values).execute();
    },
    async insertTeam(values: New<'teams'>): Promise<number> {
      return (await trx.insertInto('teams').values(values).returning('id').executeTakeFirstOrThrow()).id;
    },
    async insertTeamMember(teamId: number, userId: number): Promise<void> {
      await trx.insertInto('team_members').values({ team_id: teamId, user_id: userId }).execute();
    },
    async insertPaymentMethod(values: New<'payment_methods'>): Promise<number> {
      return (await trx.insertInto('payment_methods').values(values).returning('id').executeTakeFirstOrThrow()).id;
    },
    async insertProduct(values: New<'products'>) {
      return trx.insertInto('products').values(values).returning(['id', 'expired_at']).executeTakeFirstOrThrow();
    },
    async insertPrepaidEntry(values: New<'prepaid_ledger'>): Promise<void> {
      await trx.insertInto('prepaid_ledger').values(values).execute();
    },
  };
}
