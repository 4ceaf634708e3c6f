import type { Signed } from '../context.js';

// What the organisation pages read of the API's answers, and the lists they read them from.
// A list the user may not read (a normal member and the products) shows as empty: the page
// around it still shows what the user may see.

export type RoleType = 'owner' | 'admin' | 'normal';

export interface TeamBrief {
  id: number;
  name: string;
}

export interface AccountUser {
  user_id: number | null;
  invitation_id: number | null;
  display_name: string;
  email: string;
  role_type: RoleType;
  state_in_account: 'valid' | 'pending';
  has_billing_access: boolean;
  is_correspondent: boolean;
  is_correspondent_billing: boolean;
  last_login_at: number | null;
  teams?: TeamBrief[];
  permissions?: { product_id: number; technical: boolean; statistic: boolean; check: boolean; sale: boolean }[];
  invitation_details?: { sent_at: number; expired_at: number } | null;
}

export interface Product {
  id: number;
  service_id: number;
  service_name: string;
  customer_name: string;
  fqdn: string | null;
  created_at: number;
  expired_at: number | null;
}

export interface Team extends TeamBrief {
  user_count: number;
}

export interface TeamUser {
  id: number;
  display_name: string;
  email: string;
}

async function listOf<T>(signed: Signed, url: string): Promise<T[]> {
  const answer = await signed.api<T[]>('GET', url);
  return answer.ok && Array.isArray(answer.data) ? answer.data : [];
}

/** Members and pending invitees, with their teams and the invitation's dates. */
export const usersOf = (signed: Signed, accountId: number) =>
  listOf<AccountUser>(
    signed,
    `/2/accounts/${accountId}/users?with=teams,invitation_details&per_page=1000&order_by=display_name`,
  );

export const productsOf = (signed: Signed, accountId: number) =>
  listOf<Product>(signed, `/1/accounts/${accountId}/products?per_page=1000`);

export const teamsOf = (signed: Signed, accountId: number) =>
  listOf<Team>(signed, `/1/accounts/${accountId}/teams?with=user_count&per_page=1000`);

export const teamUsersOf = (signed: Signed, accountId: number, teamId: number) =>
  listOf<TeamUser>(signed, `/1/accounts/${accountId}/teams/${teamId}/users?per_page=1000`);

/** The members who have joined (not the pending invitees), by user id. */
export const joined = (users: AccountUser[]) =>
  users.flatMap((u) => (u.user_id !== null && u.state_in_account === 'valid' ? [{ ...u, user_id: u.user_id }] : []));
