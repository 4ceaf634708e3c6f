import type { Updateable } from 'kysely';
import type { Static } from 'typebox';
import type { Db, Executor } from '../../db/database.js';
import { inTransaction } from '../../db/transaction.js';
import type { AccountsTable } from '../../db/types.js';
import { fieldError, notFound, validationFailed, invalidField, type FieldError } from '../../shared/errors.js';
import { listParams, listResult, type ListQueryInput } from '../../shared/pagination.js';
import { nowSeconds } from '../../shared/time.js';
import { parseWith } from '../../shared/with.js';
import { countries, findLanguageByLocale, findTimezoneByName, LOCALES } from '../reference/index.js';
import { lockedMembershipOf, membershipOf, requireRole } from './access.js';
import { presentAccount, type Account } from './accounts.presenter.js';
import { ACCOUNT_SORTS, accountLocks, accountsRepository } from './accounts.repository.js';
import type { AddressInput, PatchAccountBody } from './accounts.schemas.js';

export type AccountPatch = Static<typeof PatchAccountBody>;
type Address = Static<typeof AddressInput>;

// Every part of the account object is always present; these names are accepted (upstream's
// clients send `with=logo`) so that a client asking for them is not refused.
export const ACCOUNT_RELATIONS = [
  'logo',
  'addresses',
  'tags',
  'customization_url',
  'support_premium',
  'my_ksuite',
] as const;

/** One organisation as its member `userId` sees it (404 when they are not a member). */
export async function loadAccount(db: Executor, userId: number, accountId: number): Promise<Account> {
  const repo = accountsRepository(db);
  const row = await repo.one(userId, accountId, nowSeconds());
  if (!row) throw notFound('Account');
  return presentAccount(row);
}

const SIMPLE_FIELDS = [
  'name',
  'legal_entity_type',
  'vat_number',
  'website',
  'phone',
  'fax',
  'field1',
  'field2',
  'has_2fa_required',
  'currency',
] as const;

/** The columns a patch changes; reference values are checked against the catalogues. */
function accountChanges(patch: AccountPatch, errors: FieldError[]): Updateable<AccountsTable> {
  const changes: Record<string, unknown> = {};
  for (const f of SIMPLE_FIELDS) if (patch[f] !== undefined) changes[f] = patch[f];
  if (patch.timezone !== undefined) {
    if (findTimezoneByName(patch.timezone)) changes.timezone = patch.timezone;
    else errors.push(fieldError('timezone', 'timezone', 'Unknown time zone: use an IANA name from /1/timezones'));
  }
  if (patch.locale !== undefined) {
    const language = findLanguageByLocale(patch.locale);
    if (language) Object.assign(changes, { locale: language.locale, language_id: language.id });
    else errors.push(fieldError('locale', 'in', 'Unknown locale', [...LOCALES]));
  }
  patch.addresses?.forEach((a, i) => {
    if (!countries.find(a.country_id))
      errors.push(fieldError(`addresses.${i}.country_id`, 'exists', 'Unknown country'));
  });
  return changes;
}

const addressRow = (a: Address) => ({
  street: a.street,
  street2: a.street2 ?? null,
  zip: a.zip,
  city: a.city,
  country_id: a.country_id,
  type: a.type ?? 'professional',
  for_invoice: a.for_invoice ?? false,
});

export function accountsService(db: Db) {
  return {
    /** Every organisation the caller belongs to, with their role in each. */
    async list(userId: number, query: ListQueryInput & { with?: string | string[] }) {
      parseWith(query.with, ACCOUNT_RELATIONS);
      const p = listParams(query, ACCOUNT_SORTS, [{ field: 'id', dir: 'asc' }]);
      const repo = accountsRepository(db);
      const { items: rows, total } = await repo.list(userId, nowSeconds(), p);
      return listResult(rows.map(presentAccount), total, p);
    },

    get(userId: number, accountId: number, withValue?: string | string[]) {
      parseWith(withValue, ACCOUNT_RELATIONS);
      return loadAccount(db, userId, accountId);
    },

    /** Only an owner (the legal responsible) changes the organisation's details. */
    update(userId: number, accountId: number, patch: AccountPatch): Promise<Account> {
      return inTransaction(db, async (trx) => {
        const m = await lockedMembershipOf(trx, accountId, userId);
        requireRole(m, 'owner', "change the organisation's details");
        const errors: FieldError[] = [];
        const changes = accountChanges(patch, errors);
        if (errors.length) throw validationFailed(errors);
        const repo = accountsRepository(trx);
        // Locked first, so concurrent address replacements queue behind it and no order or
        // payment can start in the old currency while it changes.
        const { currency } = await accountLocks(trx).currency(accountId);
        if (changes.currency !== undefined && changes.currency !== currency && (await repo.billed(accountId))) {
          throw invalidField('currency', 'immutable', 'The currency can only change while nothing has been billed', [
            currency,
          ]);
        }
        await repo.update(accountId, { ...changes, updated_at: nowSeconds() });
        if (patch.addresses) await repo.replaceAddresses(accountId, patch.addresses.map(addressRow));
        return loadAccount(trx, userId, accountId);
      });
    },

    async services(userId: number, accountId: number) {
      await membershipOf(db, accountId, userId);
      return accountsRepository(db).services(userId, accountId);
    },

    /** Any member may list them; the light list has no relations to load. */
    async basicTeams(userId: number, accountId: number, withValue?: string | string[]) {
      parseWith(withValue, []);
      await membershipOf(db, accountId, userId);
      return accountsRepository(db).basicTeams(accountId);
    },
  };
}
