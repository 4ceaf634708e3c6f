import { groupBy } from '../../shared/group-by.js';
import { displayName } from '../../shared/user-summary.js';
import { presentUserSummary } from '../../shared/user-summary.js';
import { serviceById } from '../products/index.js';
import type { TeamRow, TeamsRepository } from './teams.repository.js';

// Teams and team users as upstream shows them. A team's row carries its permissions, owner and
// creator; other related rows come in one query per kind for the whole page, never one per team.

type UserListRow = Awaited<ReturnType<TeamsRepository['listUsers']>>['items'][number];

export async function presentTeams(
  repo: TeamsRepository,
  publicUrl: string,
  accountId: number,
  rows: TeamRow[],
  relations: ReadonlySet<string>,
) {
  const ids = rows.map((r) => r.id);
  const members = relations.has('users') ? await repo.membersOf(accountId, ids) : [];
  const membersByTeam = groupBy(members, (m) => m.team_id);
  const summary = (u: TeamRow['owned_by']) => (u ? presentUserSummary(publicUrl, u) : null);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    color_id: r.color_id,
    owned_by_id: r.owned_by_id,
    created_by_id: r.created_by_id,
    created_at: r.created_at,
    updated_at: r.updated_at,
    created_by: summary(r.created_by),
    owned_by: summary(r.owned_by),
    user_count: Number(r.user_count ?? 0),
    product_count: Number(r.product_count ?? 0),
    product_by_service_count: Number(r.product_by_service_count ?? 0),
    is_sso: false,
    permissions: r.permissions.map((p) => ({
      service_id: p.service_id,
      service_name: serviceById(p.service_id)?.name ?? 'unknown',
      rights: p.rights,
    })),
    ...(relations.has('users')
      ? { users: (membersByTeam.get(r.id) ?? []).map((u) => presentUserSummary(publicUrl, u)) }
      : {}),
  }));
}

export async function presentTeamUsers(repo: TeamsRepository, accountId: number, rows: UserListRow[]) {
  const teams = groupBy(
    await repo.teamsOfUsers(
      accountId,
      rows.map((r) => r.id),
    ),
    (t) => t.user_id,
  );
  return rows.map((u) => ({
    id: u.id,
    display_name: displayName(u),
    first_name: u.first_name,
    last_name: u.last_name,
    email: u.email,
    is_sso: u.is_sso,
    last_login_at: u.last_login_at,
    teams: (teams.get(u.id) ?? []).map((t) => ({
      id: t.id,
      name: t.name,
      color_id: t.color_id,
      created_at: t.created_at,
      updated_at: t.updated_at,
      user_count: Number(t.user_count ?? 0),
    })),
  }));
}
