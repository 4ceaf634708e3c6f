import type { Selectable } from 'kysely';
import type { UsersTable } from '../db/types.js';

export type UserRow = Selectable<UsersTable>;

/** Who is calling: the token used and its owner, loaded in one query by the auth plugin. */
export interface Principal {
  tokenId: number;
  scopes: ReadonlySet<string>;
  user: UserRow;
}
