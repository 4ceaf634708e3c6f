import type { Static } from 'typebox';
import type { Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import { inTransaction } from '../../db/transaction.js';
import type { Database } from '../../db/types.js';
import { AppError, fieldError, validationFailed, type FieldError } from '../../shared/errors.js';
import { outbox } from '../outbox/index.js';
import { passwordPolicyError } from '../../shared/password-policy.js';
import { SCOPES } from '../../shared/scopes.js';
import { hashPassword, newApiToken } from '../../shared/secrets.js';
import { nowSeconds } from '../../shared/time.js';
import { isUniqueViolation } from '../../shared/unique-violation.js';
import { displayName } from '../../shared/user-summary.js';
import { loadAccount } from '../accounts/index.js';
import { findLanguageByLocale, LOCALES, type Language } from '../reference/index.js';
import { tokensRepository } from '../tokens/index.js';
import { people } from '../users/index.js';
import type { SignupBody } from './signup.schemas.js';
import { signupRepository } from './signup.repository.js';

export type SignupInput = Static<typeof SignupBody>;

const emailTaken = () =>
  new AppError('object_already_exists', 'An account already uses this email address', { attribute: 'email' });

/** The rules the schema cannot express; every failing field is reported at once. */
function checkInput(input: SignupInput): Language {
  const errors: FieldError[] = [];
  const weak = passwordPolicyError(input.password);
  if (weak) errors.push(weak);
  const language = findLanguageByLocale(input.locale);
  if (!language) errors.push(fieldError('locale', 'in', 'Unknown locale', [...LOCALES]));
  if (!language || errors.length) throw validationFailed(errors);
  return language;
}

interface Prepared {
  input: SignupInput;
  language: Language;
  passwordHash: string;
  token: { secret: string; hash: string };
}

/** Everything a sign-up writes, inside the caller's transaction. */
async function createAll(trx: Transaction<Database>, { input, language, passwordHash, token }: Prepared) {
  const repo = signupRepository(trx);
  const now = nowSeconds();
  const name = input.organisation_name ?? `${input.first_name} ${input.last_name}`;
  const account = await repo.insertAccount({
    name,
    currency: input.currency ?? 'CHF',
    locale: language.locale,
    language_id: language.id,
    now,
  });
  const user = await people(trx).insert(
    {
      email: input.email,
      password_hash: passwordHash,
      first_name: input.first_name,
      last_name: input.last_name,
      locale: language.locale,
      language_id: language.id,
      current_account_id: account.id,
      email_checked: false,
    },
    now,
  );
  await repo.insertOwner(account.id, user.id);
  const created = await tokensRepository(trx).insert({
    user_id: user.id,
    name: 'signup',
    token_hash: token.hash,
    scopes: [...SCOPES],
    expired_at: null,
  });
  await outbox(trx).notify({
    recipient: user.email,
    kind: 'welcome',
    user_id: user.id,
    account_id: account.id,
    subject: 'Welcome to ik-mirror',
    body: `Hello ${displayName(user)}, your account and the organisation "${name}" are ready. You are its legal responsible.`,
  });
  return {
    user: { ...user, display_name: displayName(user) },
    account: await loadAccount(trx, user.id, account.id),
    token: { ...created, token: token.secret },
  };
}

export function signupService(db: Db) {
  return {
    /**
     * Creates the user, their organisation (they are its legal responsible), their primary
     * email and a first all-scope token, in one transaction. The unique index on lower(email)
     * settles two simultaneous sign-ups with one address: the second is a 409.
     */
    async signup(input: SignupInput) {
      const language = checkInput(input);
      // A cheap early answer for the common case; the index is what guarantees it.
      if (await signupRepository(db).emailTaken(input.email)) throw emailTaken();
      // Hashing is slow on purpose: done before the transaction, so no lock waits on it.
      const prepared = { input, language, passwordHash: await hashPassword(input.password), token: newApiToken() };
      try {
        return await inTransaction(db, (trx) => createAll(trx, prepared));
      } catch (err) {
        if (isUniqueViolation(err, 'users_email_unique', 'users_login_unique')) throw emailTaken();
        throw err;
      }
    },
  };
}
