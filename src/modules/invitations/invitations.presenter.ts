import type { Executor } from '../../db/database.js';
import { serviceById } from '../products/index.js';
import type { Invitation } from './invitations.schemas.js';
import { qrCodeOf } from './invitations.qr-code.js';
import { invitationsRepository, type InvitationRow } from './invitations.repository.js';

type Team = Invitation['teams'][number];

export const acceptUrl = (publicUrl: string, key: string) => `${publicUrl}/1/invitations/${key}/accept`;

async function present(publicUrl: string, row: InvitationRow, teams: Map<number, Team>): Promise<Invitation> {
  const permissions = row.permissions.map((p) => ({
    service_id: p.service_id,
    service_name: serviceById(p.service_id)?.name ?? '',
    product_id: p.product_id ?? null,
    apply_to_all: p.apply_to_all ?? false,
    types: p.types,
  }));
  // Rows from before the key was kept have no link to give (see migration 2026112503).
  const urlAccept = row.key ? acceptUrl(publicUrl, row.key) : '';
  return {
    id: row.id,
    first_name: row.first_name,
    last_name: row.last_name,
    email: row.email,
    strict: row.strict,
    status: row.status,
    role_type: row.role_type,
    teams: row.team_ids.flatMap((id) => teams.get(id) ?? []),
    language_id: row.language_id,
    locale: row.locale,
    account_id: row.account_id,
    // kSuite and per-application accesses are other products: an invitation never carries them here.
    has_ksuite: false,
    has_billing: row.has_billing,
    has_billing_mailing: row.has_billing_mailing,
    has_mailing: row.has_mailing,
    ksuite: [],
    app_accesses: null,
    permissions,
    service_permissions: permissions
      .filter((p) => p.apply_to_all)
      .map(({ service_id, service_name, types }) => ({ service_id, service_name, types })),
    sent_at: row.sent_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
    expired_at: row.expired_at,
    url_accept: urlAccept,
    qr_code: await qrCodeOf(urlAccept),
  };
}

/** Invitations as upstream shows them, their teams loaded in one query. */
export async function presentInvitations(
  db: Executor,
  publicUrl: string,
  accountId: number,
  rows: InvitationRow[],
): Promise<Invitation[]> {
  const ids = [...new Set(rows.flatMap((r) => r.team_ids))];
  const teams = new Map((await invitationsRepository(db).teams(accountId, ids)).map((t) => [t.id, t]));
  return Promise.all(rows.map((r) => present(publicUrl, r, teams)));
}

export async function presentInvitation(db: Executor, publicUrl: string, row: InvitationRow): Promise<Invitation> {
  const teams = await invitationsRepository(db).teams(row.account_id, [...new Set(row.team_ids)]);
  return present(publicUrl, row, new Map(teams.map((t) => [t.id, t])));
}
