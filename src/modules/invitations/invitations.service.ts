import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Db, Executor } from '../../db/database.js';
import type { Database, RoleType } from '../../db/types.js';
import { inTransaction } from '../../db/transaction.js';
import { AppError, fieldError, invalidField, notFound, validationFailed } from '../../shared/errors.js';
import type { Principal } from '../../shared/principal.js';
import { hashToken } from '../../shared/secrets.js';
import { nowSeconds } from '../../shared/time.js';
import { isUniqueViolation } from '../../shared/unique-violation.js';
import { membershipOf, requireMember, requireRole, type Membership } from '../accounts/index.js';
import { checkProductPermissions, type Permission } from '../products/index.js';
import { findLanguageByLocale, languages, LOCALES } from '../reference/index.js';
import { mailInvitation } from './invitations.mail.js';
import { presentInvitation, presentInvitations } from './invitations.presenter.js';
import { invitationLocks, invitationsRepository, type InvitationRow } from './invitations.repository.js';
import type { CreateInvitationInput, Invitation, PatchInvitationInput } from './invitations.schemas.js';

export const INVITATION_TTL_S = 30 * 24 * 3600;
export const RESEND_INTERVAL_S = 60;

/** 32 random bytes, URL-safe: the secret of url_accept. */
const newKey = () => randomBytes(32).toString('base64url');

const rateLimited = (retryAfter: number) =>
  new AppError(
    'invitation_sending_rate_limit_reached',
    'This invitation was sent less than a minute ago; try again later',
    { retry_after: retryAfter },
  );

/** Only a pending invitation can still change; the reason says what became of it. */
export function requirePending(row: InvitationRow, now = nowSeconds()) {
  const reason = row.status !== 'pending' ? row.status : row.expired_at <= now ? 'expired' : undefined;
  if (!reason) return;
  throw new AppError(
    'validation_failed',
    `This invitation is no longer pending: ${reason}`,
    { reason, status: row.status },
    [fieldError('invitation', 'pending', `The invitation is ${reason}`)],
  );
}

async function checkTeams(db: Executor, accountId: number, ids: number[], attribute: string) {
  const found = new Set((await invitationsRepository(db).teams(accountId, ids)).map((t) => t.id));
  const errors = ids.flatMap((id, i) =>
    found.has(id) ? [] : [fieldError(`${attribute}.${i}`, 'exists', 'No such team in this organisation')],
  );
  if (errors.length) throw validationFailed(errors);
}

/** Granting the owner role, or touching an invitation that grants it, is an owner's act. */
function guardOwnerRole(m: Membership, ...roles: (RoleType | undefined)[]) {
  if (roles.includes('owner')) requireRole(m, 'owner', 'invite someone as owner (legal responsible)');
}

/** Both body forms of POST's `permissions` (see invitations.schemas.ts). */
function splitPermissions(p: CreateInvitationInput['permissions']): {
  billing: boolean;
  products: Permission[];
  attribute: string;
} {
  if (p === undefined) return { billing: false, products: [], attribute: 'permissions' };
  if (Array.isArray(p)) return { billing: false, products: p, attribute: 'permissions' };
  return { billing: p.billing ?? false, products: p.products ?? [], attribute: 'permissions.products' };
}

/** The columns of a new or re-sent invitation. */
function invitationFields(caller: Principal, input: CreateInvitationInput, now: number) {
  const { billing, products } = splitPermissions(input.permissions);
  const language = findLanguageByLocale(input.locale);
  // The schema admits only the catalogue's locales; this names the field if that ever changes.
  if (!language) throw invalidField('locale', 'in', 'Unknown locale', [...LOCALES]);
  return {
    email: input.email,
    first_name: input.first_name,
    last_name: input.last_name,
    locale: input.locale,
    language_id: language.id,
    role_type: input.role_type,
    strict: input.strict ?? true,
    silent: input.silent ?? false,
    has_billing: billing,
    has_billing_mailing: input.notifications?.billing ?? false,
    has_mailing: input.notifications?.products ?? false,
    permissions: products,
    team_ids: input.teams ?? [],
    invited_by_id: caller.user.id,
    sent_at: now,
    updated_at: now,
    expired_at: now + INVITATION_TTL_S,
  };
}

/** The checks of a new invitation: an administrator invites, only an owner invites an owner. */
async function checkCreate(
  trx: Transaction<Database>,
  caller: Principal,
  accountId: number,
  input: CreateInvitationInput,
) {
  const m = await membershipOf(trx, accountId, caller.user.id);
  requireRole(m, 'admin', 'invite users');
  guardOwnerRole(m, input.role_type);
  const { products, attribute } = splitPermissions(input.permissions);
  await checkTeams(trx, accountId, input.teams ?? [], 'teams');
  await checkProductPermissions(trx, accountId, products, attribute);
  if (await invitationsRepository(trx).memberByEmail(accountId, input.email)) {
    throw new AppError('object_already_exists', 'This address belongs to a member of the organisation already', {
      attribute: 'email',
    });
  }
}

async function createIn(
  trx: Transaction<Database>,
  publicUrl: string,
  caller: Principal,
  accountId: number,
  input: CreateInvitationInput,
) {
  await checkCreate(trx, caller, accountId, input);
  const repo = invitationsRepository(trx);
  const now = nowSeconds();
  const fields = invitationFields(caller, input, now);
  // Inviting an address again re-sends its pending invitation, with the new details.
  const pending = await invitationLocks(trx).pendingByEmail(accountId, input.email);
  if (pending && now - pending.sent_at < RESEND_INTERVAL_S)
    throw rateLimited(pending.sent_at + RESEND_INTERVAL_S - now);
  const key = pending?.key ?? newKey();
  const row = pending
    ? await repo.update(pending.id, { ...fields, key, key_hash: hashToken(key) })
    : await repo.insert({ ...fields, account_id: accountId, key, key_hash: hashToken(key), created_at: now });
  if (!row.silent) await mailInvitation(trx, publicUrl, row, key, caller.user, await repo.accountName(accountId));
  return presentInvitation(trx, publicUrl, row);
}

/** An administrator's view of one invitation of the organisation. */
async function adminFind(db: Executor, caller: Principal, accountId: number, id: number, action: string) {
  const m = await requireMember(db, accountId, caller.user.id, 'admin', action);
  const row = await invitationsRepository(db).find(accountId, id);
  if (!row) throw notFound('Invitation');
  return { m, row };
}

/** The same, the row locked for the change the administrator makes. */
async function adminLock(trx: Transaction<Database>, caller: Principal, accountId: number, id: number, action: string) {
  const m = await requireMember(trx, accountId, caller.user.id, 'admin', action);
  const row = await invitationLocks(trx).ofAccount(accountId, id);
  if (!row) throw notFound('Invitation');
  return { m, row };
}

/** The columns a patch changes; the language is checked against the catalogue. */
function patchChanges(input: PatchInvitationInput) {
  const language = input.language_id === undefined ? undefined : languages.find(input.language_id);
  if (input.language_id !== undefined && !language)
    throw invalidField(
      'language_id',
      'exists',
      'Unknown language',
      languages.all.map((l) => l.id),
    );
  const { language_id: _l, permissions, ...flags } = input;
  return {
    ...flags,
    ...(permissions ? { permissions } : {}),
    ...(language ? { language_id: language.id, locale: language.locale } : {}),
  };
}

async function updateIn(
  trx: Transaction<Database>,
  publicUrl: string,
  caller: Principal,
  accountId: number,
  id: number,
  input: PatchInvitationInput,
) {
  const { m, row } = await adminLock(trx, caller, accountId, id, 'change invitations');
  guardOwnerRole(m, row.role_type, input.role_type);
  requirePending(row);
  if (input.team_ids) await checkTeams(trx, accountId, input.team_ids, 'team_ids');
  if (input.permissions) await checkProductPermissions(trx, accountId, input.permissions, 'permissions');
  const changes = patchChanges(input);
  if (!Object.keys(changes).length) return presentInvitation(trx, publicUrl, row);
  return presentInvitation(
    trx,
    publicUrl,
    await invitationsRepository(trx).update(id, { ...changes, updated_at: nowSeconds() }),
  );
}

export function invitationsService(db: Db, publicUrl: () => string) {
  return {
    async create(caller: Principal, accountId: number, input: CreateInvitationInput): Promise<Invitation> {
      try {
        return await inTransaction(db, (trx) => createIn(trx, publicUrl(), caller, accountId, input));
      } catch (err) {
        // Two invitations of one address at once: the other has just been sent.
        if (isUniqueViolation(err)) throw rateLimited(RESEND_INTERVAL_S);
        throw err;
      }
    },

    async get(caller: Principal, accountId: number, id: number): Promise<Invitation> {
      const { row } = await adminFind(db, caller, accountId, id, 'see invitations');
      return presentInvitation(db, publicUrl(), row);
    },

    update(caller: Principal, accountId: number, id: number, input: PatchInvitationInput): Promise<Invitation> {
      return inTransaction(db, (trx) => updateIn(trx, publicUrl(), caller, accountId, id, input));
    },

    cancel(caller: Principal, accountId: number, id: number): Promise<true> {
      return inTransaction(db, async (trx) => {
        const { row } = await adminLock(trx, caller, accountId, id, 'cancel invitations');
        // Cancelled is gone, as far as DELETE is concerned: the document declares a 404 for it.
        if (row.status === 'cancelled') throw notFound('Invitation');
        if (row.status !== 'pending') requirePending(row);
        await invitationsRepository(trx).update(id, { status: 'cancelled', updated_at: nowSeconds() });
        return true as const;
      });
    },

    /** A user's invitations into the organisation: for its administrators, or for that user. */
    async listForUser(
      caller: Principal,
      accountId: number,
      userId: number,
      roleType?: RoleType,
    ): Promise<Invitation[]> {
      const self = caller.user.id === userId;
      if (!self) await requireMember(db, accountId, caller.user.id, 'admin', "see another user's invitations");
      const repo = invitationsRepository(db);
      const user = await repo.user(userId);
      if (!user) throw notFound('User');
      const rows = await repo.listForUser(accountId, user.email, userId);
      // Nothing links that user to this organisation: to them, it does not exist.
      if (!rows.length && !(await repo.isMember(accountId, userId))) throw notFound(self ? 'Account' : 'User');
      return presentInvitations(
        db,
        publicUrl(),
        accountId,
        roleType ? rows.filter((r) => r.role_type === roleType) : rows,
      );
    },
  };
}
