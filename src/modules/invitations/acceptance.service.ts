import type { Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/types.js';
import { inTransaction } from '../../db/transaction.js';
import { accessDenied, AppError, fieldError, notFound, validationFailed } from '../../shared/errors.js';
import type { Principal } from '../../shared/principal.js';
import { passwordPolicyError } from '../../shared/password-policy.js';
import { SCOPES } from '../../shared/scopes.js';
import { hashPassword, hashToken, newApiToken } from '../../shared/secrets.js';
import { nowSeconds } from '../../shared/time.js';
import { isUniqueViolation } from '../../shared/unique-violation.js';
import { applyProductPermissions } from '../products/index.js';
import { tokensRepository } from '../tokens/index.js';
import { people } from '../users/index.js';
import { acceptanceRepository } from './acceptance.repository.js';
import { mailInviter } from './invitations.mail.js';
import { invitationLocks, invitationsRepository, type InvitationRow } from './invitations.repository.js';
import type { AcceptInput } from './invitations.schemas.js';
import { requirePending } from './invitations.service.js';

type Trx = Transaction<Database>;

/** Who accepts: a signed-in user (their account joins), or a newcomer whose account is created. */
export type Acceptor = { principal: Principal } | { person: AcceptInput };

async function newcomerPassword(input: AcceptInput): Promise<string> {
  if (input.password === undefined) {
    throw validationFailed([
      fieldError('password', 'required', 'Without an access token, a password is required to create your account'),
    ]);
  }
  const weak = passwordPolicyError(input.password);
  if (weak) throw validationFailed([weak]);
  return hashPassword(input.password);
}

/** The invitation behind a key, locked for the rest of the transaction, still open. */
async function openInvitation(trx: Trx, key: string) {
  const row = await invitationLocks(trx).byKeyHash(hashToken(key));
  if (!row) throw notFound('Invitation');
  requirePending(row);
  return row;
}

async function signedInUser(trx: Trx, row: InvitationRow, principal: Principal) {
  const user = principal.user;
  if (row.strict && user.email.toLowerCase() !== row.email.toLowerCase()) {
    throw accessDenied('This invitation can only be accepted by the account of the address it was sent to', {
      reason: 'strict_invitation',
    });
  }
  if (await invitationsRepository(trx).isMember(row.account_id, user.id)) {
    throw new AppError('object_already_exists', 'You are a member of this organisation already');
  }
  return user.id;
}

async function newcomer(trx: Trx, row: InvitationRow, person: AcceptInput, passwordHash: string, now: number) {
  if (await invitationsRepository(trx).userByEmail(row.email)) {
    throw new AppError(
      'object_already_exists',
      'An account already exists for this address: sign in and accept with your access token',
      { attribute: 'email' },
    );
  }
  // The address was proven by following the invitation sent to it.
  const { id: userId } = await people(trx).insert(
    {
      email: row.email,
      password_hash: passwordHash,
      first_name: person.first_name ?? row.first_name,
      last_name: person.last_name ?? row.last_name,
      locale: row.locale,
      language_id: row.language_id,
      current_account_id: row.account_id,
      email_checked: true,
    },
    now,
  );
  const { secret, hash } = newApiToken();
  const token = await tokensRepository(trx).insert({
    user_id: userId,
    name: 'First token',
    token_hash: hash,
    scopes: [...SCOPES],
    expired_at: null,
  });
  return { userId, token: { ...token, token: secret } };
}

/** Rights on products deleted since the invitation was sent are skipped, not an error. */
async function grantRights(trx: Trx, row: InvitationRow, userId: number) {
  for (const p of row.permissions) {
    try {
      await applyProductPermissions(trx, row.account_id, userId, [p], false);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
    }
  }
}

async function join(trx: Trx, row: InvitationRow, userId: number, now: number) {
  const acc = acceptanceRepository(trx);
  await acc.addMembership({
    account_id: row.account_id,
    user_id: userId,
    role_type: row.role_type,
    has_billing_access: row.has_billing,
    has_mailing: row.has_mailing,
    has_billing_mailing: row.has_billing_mailing,
  });
  await acc.joinTeams(row.account_id, userId, row.team_ids);
  await grantRights(trx, row, userId);
  await acc.setCurrentAccountIfNone(userId, row.account_id);
  const repo = invitationsRepository(trx);
  await repo.update(row.id, { status: 'accepted', accepted_user_id: userId, updated_at: now });
  const person = await repo.user(userId);
  await mailInviter(trx, row, 'accepted', await repo.accountName(row.account_id), person);
}

export function acceptanceService(db: Db) {
  return {
    /** Accepts in one transaction: the invitation row is locked, so a second acceptance finds it accepted. */
    async accept(key: string, who: Acceptor) {
      // Hashed before the transaction: argon2 is slow and the row lock should not wait for it.
      const joiner = 'person' in who ? { person: who.person, passwordHash: await newcomerPassword(who.person) } : who;
      try {
        return await inTransaction(db, async (trx) => {
          const row = await openInvitation(trx, key);
          const now = nowSeconds();
          const joined =
            'principal' in joiner
              ? { userId: await signedInUser(trx, row, joiner.principal), token: undefined }
              : await newcomer(trx, row, joiner.person, joiner.passwordHash, now);
          await join(trx, row, joined.userId, now);
          return {
            account_id: row.account_id,
            user_id: joined.userId,
            role_type: row.role_type,
            ...(joined.token ? { token: joined.token } : {}),
          };
        });
      } catch (err) {
        // The address got an account, or the user a membership, through another request meanwhile.
        if (isUniqueViolation(err))
          throw new AppError('object_already_exists', 'This account or membership was created meanwhile');
        throw err;
      }
    },

    decline(key: string): Promise<true> {
      return inTransaction(db, async (trx) => {
        const row = await openInvitation(trx, key);
        const repo = invitationsRepository(trx);
        await repo.update(row.id, { status: 'rejected', updated_at: nowSeconds() });
        await mailInviter(trx, row, 'declined', await repo.accountName(row.account_id));
        return true as const;
      });
    },
  };
}
