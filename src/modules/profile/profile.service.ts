import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/types.js';
import { inTransaction } from '../../db/transaction.js';
import {
  AppError,
  fieldError,
  invalidField,
  notFound,
  validationFailed,
  type FieldError,
} from '../../shared/errors.js';
import type { UserRow } from '../../shared/principal.js';
import { passwordPolicyError } from '../../shared/password-policy.js';
import { hashPassword, verifyPassword } from '../../shared/secrets.js';
import { nowSeconds } from '../../shared/time.js';
import { decodeAvatar } from './avatar-image.js';
import { profileChanges, type ProfileInput } from './profile-changes.js';
import { lockUser, profileRepository } from './profile.repository.js';

export interface ProfilePatch extends ProfileInput {
  email?: string;
  current_password?: string;
  password?: string;
  keep_session_ids?: (string | number)[];
  current_account_id?: number;
}

export type ProfileRelation = 'emails' | 'phones' | 'security';

async function passwordChange(current: { password_hash: string }, patch: ProfilePatch, errors: FieldError[]) {
  if (patch.password === undefined) return {};
  const weak = passwordPolicyError(patch.password);
  if (weak) errors.push(weak);
  if (patch.current_password === undefined)
    errors.push(fieldError('current_password', 'required', 'The current password is required to change it'));
  else if (!(await verifyPassword(current.password_hash, patch.current_password))) {
    errors.push(fieldError('current_password', 'current_password', 'The current password is incorrect'));
  }
  if (errors.length) return {};
  return { password_hash: await hashPassword(patch.password), password_changed_at: nowSeconds() };
}

/** The profile's picture: set, removed, and the bytes served. */
function avatarService(db: Db) {
  return {
    async setAvatar(userId: number, encoded: string): Promise<string> {
      const image = decodeAvatar(encoded);
      const version = randomBytes(8).toString('hex');
      await profileRepository(db).setAvatar(userId, version, image.bytes, image.mime);
      return version;
    },

    async deleteAvatar(userId: number): Promise<true> {
      await profileRepository(db).setAvatar(userId, null, null, null);
      return true;
    },

    avatarImage: (userId: number) => profileRepository(db).avatarImage(userId),
  };
}

/** The profile's e-mail addresses and phone numbers. */
function contactsService(db: Db) {
  async function email(userId: number, kind: 'email' | 'email_request', id: number) {
    const found = await profileRepository(db).email(userId, kind, id);
    if (!found) throw notFound('Email');
    return found;
  }
  async function phone(userId: number, id: number) {
    const found = await profileRepository(db).phone(userId, id);
    if (!found) throw notFound('Phone');
    return found;
  }
  return {
    emails: (userId: number) => profileRepository(db).emails(userId),
    email,
    /** The address the account signs in with cannot be removed; other addresses can. */
    async deleteEmail(user: UserRow, kind: 'email' | 'email_request', id: number): Promise<true> {
      const found = await email(user.id, kind, id);
      if (found.email.toLowerCase() === user.email.toLowerCase()) {
        throw invalidField('email_id', 'not_in', 'The main email address of the account cannot be deleted');
      }
      await profileRepository(db).deleteEmail(id);
      return true;
    },

    phones: (userId: number) => profileRepository(db).phones(userId),
    phone,
    async deletePhone(userId: number, id: number): Promise<true> {
      await phone(userId, id);
      await profileRepository(db).deletePhone(id);
      return true;
    },
  };
}

/** A profile change in its transaction: the user's row locked, every rule checked, then applied. */
async function applyProfileChange(trx: Transaction<Database>, userId: number, patch: ProfilePatch): Promise<UserRow> {
  const repo = profileRepository(trx);
  const { password_hash, ...current } = await lockUser(trx, userId);
  const errors: FieldError[] = [];
  const changes = {
    ...profileChanges(patch, errors),
    ...(await passwordChange({ password_hash }, patch, errors)),
  };
  if (patch.current_account_id !== undefined && !(await repo.isMember(userId, patch.current_account_id))) {
    errors.push(fieldError('current_account_id', 'exists', 'You are not a member of that organisation'));
  }
  if (errors.length) throw validationFailed(errors);
  if (patch.current_account_id !== undefined) changes.current_account_id = patch.current_account_id;
  const newEmail =
    patch.email !== undefined && patch.email.toLowerCase() !== current.email.toLowerCase() ? patch.email : undefined;
  if (newEmail) {
    if (await repo.emailTaken(newEmail, userId))
      throw new AppError('object_already_exists', 'This email address is already used by another account', {
        attribute: 'email',
      });
    changes.email = newEmail;
    await repo.renameEmail(userId, current.email, newEmail);
  }
  if (patch.password !== undefined)
    await repo.dropSessionsExcept(userId, (patch.keep_session_ids ?? []).map(Number).filter(Number.isInteger));
  if (!Object.keys(changes).length) return current;
  return repo.updateUser(userId, { ...changes, updated_at: nowSeconds() });
}

export function profileService(db: Db) {
  return {
    ...avatarService(db),
    ...contactsService(db),

    async related(user: UserRow, wanted: Set<ProfileRelation>) {
      const repo = profileRepository(db);
      const [emails, phones, sessions] = await Promise.all([
        wanted.has('emails') ? repo.emails(user.id) : undefined,
        wanted.has('phones') ? repo.phones(user.id) : undefined,
        wanted.has('security') ? repo.sessions(user.id, nowSeconds()) : undefined,
      ]);
      return { emails, phones, sessions, security: wanted.has('security') };
    },

    /** Applies a profile change atomically; with dryRun, checks it all and changes nothing. */
    update(userId: number, patch: ProfilePatch, dryRun: boolean): Promise<UserRow> {
      return inTransaction(db, (trx) => applyProfileChange(trx, userId, patch), dryRun);
    },

    /** Ends one of the user's sign-in sessions: its cookie stops working at once. */
    async endSession(userId: number, sessionId: number): Promise<true> {
      if (!(await profileRepository(db).endSession(userId, sessionId, nowSeconds()))) throw notFound('Session');
      return true;
    },
  };
}
