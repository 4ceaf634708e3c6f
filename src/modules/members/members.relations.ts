import type { Executor } from '../../db/database.js';
import { groupBy } from '../../shared/group-by.js';
import { nowSeconds } from '../../shared/time.js';
import { membersRepository, type UserOrPendingRow } from './members.repository.js';
import { expandInvitationPermissions, type MemberRight, type MemberTeam, type Related } from './members.presenter.js';
import type { MemberRelation } from './members.schemas.js';

// The `with` relations of a page of members and pending invitees, each loaded in one query.

type Repo = ReturnType<typeof membersRepository>;
type Invitations = Awaited<ReturnType<Repo['invitations']>>;

async function loadTeams(repo: Repo, accountId: number, userIds: number[], invitations: Invitations, rel: Related) {
  const strip = ({ user_id: _u, ...t }: MemberTeam & { user_id: number }) => t;
  const byUser = groupBy(await repo.teamsOfUsers(accountId, userIds), (t) => t.user_id);
  rel.teamsByUser = new Map([...byUser].map(([k, v]) => [k, v.map(strip)]));
  const teams = await repo.teamsByIds(accountId, [...new Set(invitations.flatMap((i) => i.team_ids))]);
  for (const i of invitations)
    rel.teamsByInvitation.set(
      i.id,
      teams.filter((t) => i.team_ids.includes(t.id)),
    );
}

async function loadRights(repo: Repo, accountId: number, userIds: number[], invitations: Invitations, rel: Related) {
  const strip = ({ user_id: _u, ...r }: MemberRight & { user_id: number }) => r;
  const byUser = groupBy(await repo.rightsOfUsers(accountId, userIds), (r) => r.user_id);
  rel.rightsByUser = new Map([...byUser].map(([k, v]) => [k, v.map(strip)]));
  // An invitee's rights are those accepting would grant, on the products that exist now.
  const products = invitations.some((i) => i.permissions.length) ? await repo.products(accountId) : [];
  for (const i of invitations) rel.rightsByInvitation.set(i.id, expandInvitationPermissions(i.permissions, products));
}

async function loadPendingInvitations(repo: Repo, accountId: number, rows: UserOrPendingRow[], rel: Related) {
  const emails = rows.filter((r) => r.user_id !== null).map((r) => r.email);
  for (const { email, ...invitation } of await repo.pendingInvitationsFor(accountId, emails, nowSeconds())) {
    const key = email.toLowerCase();
    rel.pendingByEmail.set(key, [...(rel.pendingByEmail.get(key) ?? []), invitation]);
  }
}

/** Loads, for a page of rows, only the relations the client asked for. */
export async function loadRelated(
  db: Executor,
  accountId: number,
  rows: UserOrPendingRow[],
  wanted: Set<MemberRelation>,
): Promise<Related> {
  const repo = membersRepository(db);
  const userIds = rows.flatMap((r) => (r.user_id !== null ? [r.user_id] : []));
  const invitationIds = rows.flatMap((r) => (r.invitation_id !== null ? [r.invitation_id] : []));
  const needsInvitations = wanted.has('teams') || wanted.has('permissions') || wanted.has('invitation_details');
  const invitations = needsInvitations ? await repo.invitations(accountId, invitationIds) : [];
  const rel: Related = {
    wanted,
    teamsByUser: new Map(),
    rightsByUser: new Map(),
    invitations: new Map(invitations.map((i) => [i.id, i])),
    teamsByInvitation: new Map(),
    rightsByInvitation: new Map(),
    pendingByEmail: new Map(),
  };
  if (wanted.has('teams')) await loadTeams(repo, accountId, userIds, invitations, rel);
  if (wanted.has('permissions')) await loadRights(repo, accountId, userIds, invitations, rel);
  if (wanted.has('pending_invitations')) await loadPendingInvitations(repo, accountId, rows, rel);
  return rel;
}
