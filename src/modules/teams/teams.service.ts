import type { Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database, ProductRight } from '../../db/types.js';
import { inTransaction } from '../../db/transaction.js';
import {
  accessDenied,
  AppError,
  fieldError,
  notFound,
  validationFailed,
  type FieldError,
} from '../../shared/errors.js';
import { listParams } from '../../shared/pagination.js';
import { nowSeconds } from '../../shared/time.js';
import { isUniqueViolation } from '../../shared/unique-violation.js';
import { parseWith } from '../../shared/with.js';
import { atLeast, membershipOf, requireRole, type Membership } from '../accounts/index.js';
import { SERVICE_IDS, serviceById } from '../products/index.js';
import { presentTeams, presentTeamUsers } from './teams.presenter.js';
import { TEAM_SORTABLE, TEAM_USER_SORTABLE, teamLocks, teamsRepository } from './teams.repository.js';
import {
  TEAM_RELATIONS,
  type CreateTeamInput,
  type ServiceEntryInput,
  type TeamFilters,
  type TeamsQueryInput,
  type TeamUsersQueryInput,
  type UpdateTeamInput,
} from './teams.schemas.js';

type Permission = { service_id: number; rights: ProductRight };

const FILTER_KEYS = ['team_ids', 'user_ids', 'owned_by_ids', 'created_by_ids'] as const;

/** `filter[x]` and a top-level `x` mean the same; given both, the ids add up. */
function filtersOf(q: TeamsQueryInput): TeamFilters {
  const out: TeamFilters = {};
  for (const k of FILTER_KEYS) {
    const ids = [...(q.filter?.[k] ?? []), ...(q[k] ?? [])];
    if (ids.length) out[k] = [...new Set(ids)];
  }
  return out;
}

/** The body's service entries as (service, right) pairs; unknown services are named by index. */
function permissionsOf(services: ServiceEntryInput[]): { perms: Permission[]; errors: FieldError[] } {
  const seen = new Map<string, Permission>();
  const errors: FieldError[] = [];
  for (const [i, entry] of services.entries()) {
    const id = typeof entry === 'number' ? entry : entry.service_id;
    if (!serviceById(id)) {
      const attribute =
        typeof entry === 'number' ? `permissions.services.${i}` : `permissions.services.${i}.service_id`;
      errors.push(fieldError(attribute, 'in', `Unknown service ${id}`, [...SERVICE_IDS]));
      continue;
    }
    const rights: ProductRight[] =
      typeof entry === 'number' ? ['technical'] : typeof entry.rights === 'string' ? [entry.rights] : entry.rights;
    for (const r of rights) seen.set(`${id}:${r}`, { service_id: id, rights: r });
  }
  return { perms: [...seen.values()], errors };
}

const nameConflict = () =>
  new AppError('object_already_exists', 'A team with this name already exists in the organisation', {
    attribute: 'name',
  });

/** Runs a team write; the unique index's refusal (a concurrent twin) is the same 409 as the check's. */
async function writing<T>(db: Db, fn: Parameters<typeof inTransaction<T>>[1]): Promise<T> {
  try {
    return await inTransaction(db, fn);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameConflict();
    throw err;
  }
}

/** A team as upstream shows it (404 when the organisation has no such team). */
async function loadTeam(
  db: Db,
  publicUrl: string,
  accountId: number,
  teamId: number,
  relations: ReadonlySet<string> = new Set(),
) {
  const repo = teamsRepository(db);
  const row = await repo.find(accountId, teamId);
  if (!row) throw notFound('Team');
  const [team] = await presentTeams(repo, publicUrl, accountId, [row], relations);
  if (!team) throw notFound('Team');
  return team;
}

/** Field checks shared by create and update: the owner must be a member, services must exist. */
async function checkFields(trx: Transaction<Database>, accountId: number, body: UpdateTeamInput, teamId?: number) {
  const { perms, errors } = permissionsOf(body.permissions?.services ?? []);
  if (body.owned_by_id !== undefined && !(await teamLocks(trx).membersAmong(accountId, [body.owned_by_id])).size) {
    errors.unshift(fieldError('owned_by_id', 'exists', 'The owner must be a member of the organisation'));
  }
  if (errors.length) throw validationFailed(errors);
  if (body.name !== undefined && (await teamsRepository(trx).nameTaken(accountId, body.name, teamId)))
    throw nameConflict();
  return perms;
}

/** Admins manage every team; a team's owner manages its name, colour, owner and members. */
function requireManager(m: Membership, team: { owned_by_id: number | null }, action: string) {
  if (atLeast(m.role_type, 'admin') || team.owned_by_id === m.user_id) return;
  throw accessDenied(`Only an administrator, an owner of the organisation or the team's owner may ${action}`, {
    required_role: 'admin',
  });
}

/** The new team's id; its creator owns it unless the body names another member. */
async function createIn(trx: Transaction<Database>, userId: number, accountId: number, body: CreateTeamInput) {
  const perms = await checkFields(trx, accountId, body);
  const t = teamsRepository(trx);
  const row = await t.insert({
    account_id: accountId,
    name: body.name,
    color_id: body.color_id ?? 0,
    owned_by_id: body.owned_by_id ?? userId,
    created_by_id: userId,
  });
  await t.replacePermissions(row.id, perms);
  return row.id;
}

async function updateIn(
  trx: Transaction<Database>,
  m: Membership,
  accountId: number,
  teamId: number,
  body: UpdateTeamInput,
) {
  const t = teamsRepository(trx);
  const team = await teamLocks(trx).team(accountId, teamId, 'update');
  if (!team) throw notFound('Team');
  requireManager(m, team, 'change this team');
  // The permissions reach products: a normal user owning a team may not widen them.
  if (body.permissions !== undefined) requireRole(m, 'admin', "change a team's permissions");
  const perms = await checkFields(trx, accountId, body, teamId);
  const { permissions, ...fields } = body;
  if (Object.keys(fields).length || permissions) await t.update(teamId, { ...fields, updated_at: nowSeconds() });
  if (permissions) await t.replacePermissions(teamId, perms);
}

/** All or nothing: one id that is not a member of the organisation refuses the whole call. */
async function addUsersIn(
  trx: Transaction<Database>,
  m: Membership,
  accountId: number,
  teamId: number,
  userIds: number[],
) {
  const locks = teamLocks(trx);
  const team = await locks.team(accountId, teamId, 'share');
  if (!team) throw notFound('Team');
  requireManager(m, team, 'add users to this team');
  const ids = [...new Set(userIds)];
  const members = await locks.membersAmong(accountId, ids);
  const strangers = ids.filter((id) => !members.has(id));
  if (strangers.length) {
    throw validationFailed([
      fieldError('user_ids', 'exists', `Not members of the organisation: ${strangers.join(', ')}`),
    ]);
  }
  await teamsRepository(trx).addMembers(teamId, ids);
}

async function removeUsersIn(
  trx: Transaction<Database>,
  m: Membership,
  accountId: number,
  teamId: number,
  userIds: number[],
) {
  const team = await teamLocks(trx).team(accountId, teamId, 'share');
  if (!team) throw notFound('Team');
  requireManager(m, team, 'remove users from this team');
  await teamsRepository(trx).removeMembers(teamId, [...new Set(userIds)]);
}

export function teamsService(db: Db, publicUrl: () => string) {
  const repo = teamsRepository(db);

  return {
    async list(userId: number, accountId: number, q: TeamsQueryInput) {
      await membershipOf(db, accountId, userId);
      const relations = parseWith(q.with, TEAM_RELATIONS);
      const p = listParams(q, TEAM_SORTABLE, [{ field: 'name', dir: 'asc' }]);
      const { items: rows, total } = await repo.list(accountId, filtersOf(q), q.search?.trim() || undefined, p);
      return { items: await presentTeams(repo, publicUrl(), accountId, rows, relations), total, params: p };
    },

    async get(userId: number, accountId: number, teamId: number, withValue: string | string[] | undefined) {
      await membershipOf(db, accountId, userId);
      return loadTeam(db, publicUrl(), accountId, teamId, parseWith(withValue, TEAM_RELATIONS));
    },

    async create(userId: number, accountId: number, body: CreateTeamInput) {
      requireRole(await membershipOf(db, accountId, userId), 'admin', 'create teams');
      const id = await writing(db, (trx) => createIn(trx, userId, accountId, body));
      return loadTeam(db, publicUrl(), accountId, id);
    },

    async update(userId: number, accountId: number, teamId: number, body: UpdateTeamInput) {
      const m = await membershipOf(db, accountId, userId);
      await writing(db, (trx) => updateIn(trx, m, accountId, teamId, body));
      return loadTeam(db, publicUrl(), accountId, teamId);
    },

    async remove(userId: number, accountId: number, teamId: number): Promise<true> {
      requireRole(await membershipOf(db, accountId, userId), 'admin', 'delete teams');
      if (!(await repo.remove(accountId, teamId))) throw notFound('Team');
      return true;
    },

    async listUsers(userId: number, accountId: number, teamId: number, q: TeamUsersQueryInput) {
      await membershipOf(db, accountId, userId);
      const p = listParams(q, TEAM_USER_SORTABLE, [{ field: 'display_name', dir: 'asc' }]);
      if (!(await repo.find(accountId, teamId))) throw notFound('Team');
      const { items: rows, total } = await repo.listUsers(accountId, teamId, q.search?.trim() || undefined, p);
      return { items: await presentTeamUsers(repo, accountId, rows), total, params: p };
    },

    async addUsers(userId: number, accountId: number, teamId: number, userIds: number[]): Promise<true> {
      const m = await membershipOf(db, accountId, userId);
      await inTransaction(db, (trx) => addUsersIn(trx, m, accountId, teamId, userIds));
      return true;
    },

    async removeUsers(userId: number, accountId: number, teamId: number, userIds: number[]): Promise<true> {
      const m = await membershipOf(db, accountId, userId);
      await inTransaction(db, (trx) => removeUsersIn(trx, m, accountId, teamId, userIds));
      return true;
    },
  };
}
