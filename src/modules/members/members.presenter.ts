import type { Static } from 'typebox';
import type { InvitationPermission } from '../../db/types.js';
import { avatarUrl } from '../../shared/user-summary.js';
import { PRODUCT_RIGHTS } from '../products/index.js';
import type { InvitationRow, UserOrPendingRow } from './members.repository.js';
import type {
  AccountUserSchema,
  MemberProductRightSchema,
  MemberRelation,
  MemberTeamSchema,
} from './members.schemas.js';

export type AccountUser = Static<typeof AccountUserSchema>;
export type MemberTeam = Static<typeof MemberTeamSchema>;
export type MemberRight = Static<typeof MemberProductRightSchema>;

/** What the `with` relations need, loaded once for a whole page. */
export interface Related {
  wanted: Set<MemberRelation>;
  teamsByUser: Map<number, MemberTeam[]>;
  rightsByUser: Map<number, MemberRight[]>;
  invitations: Map<number, InvitationRow>;
  teamsByInvitation: Map<number, MemberTeam[]>;
  rightsByInvitation: Map<number, MemberRight[]>;
  pendingByEmail: Map<
    string,
    { id: number; role_type: AccountUser['role_type']; sent_at: number; expired_at: number }[]
  >;
}

export const uniqueKey = (r: Pick<UserOrPendingRow, 'user_id' | 'invitation_id'>) =>
  r.user_id !== null ? `u${r.user_id}` : `i${r.invitation_id}`;

function base(publicUrl: string, r: UserOrPendingRow): AccountUser {
  return {
    user_id: r.user_id,
    invitation_id: r.invitation_id,
    first_name: r.first_name,
    last_name: r.last_name,
    display_name: r.display_name,
    email: r.email,
    avatar: r.user_id !== null ? avatarUrl(publicUrl, { id: r.user_id, avatar: r.avatar }, true) : null,
    role_type: r.role_type,
    state_in_account: r.state_in_account,
    is_correspondent: r.has_mailing,
    is_correspondent_billing: r.has_billing_mailing,
    is_workspace_only: false,
    has_no_manager_access: false,
    has_billing_access: r.has_billing_access,
    is_sso: r.is_sso,
    language_id: r.language_id,
    unique_key: uniqueKey(r),
    last_login_at: r.last_login_at,
    partnership_id: null,
  };
}

/** A row's entry in a map by user or by invitation: a row is a member (user_id) or an invitee (invitation_id). */
function entryOf<T>(r: UserOrPendingRow, byUser: Map<number, T>, byInvitation: Map<number, T>): T | undefined {
  if (r.user_id !== null) return byUser.get(r.user_id);
  return r.invitation_id !== null ? byInvitation.get(r.invitation_id) : undefined;
}

function relations(r: UserOrPendingRow, rel: Related): Partial<AccountUser> {
  const out: Partial<AccountUser> = {};
  const w = rel.wanted;
  const inv = r.invitation_id !== null ? rel.invitations.get(r.invitation_id) : undefined;
  if (w.has('teams')) out.teams = entryOf(r, rel.teamsByUser, rel.teamsByInvitation) ?? [];
  if (w.has('permissions')) out.permissions = entryOf(r, rel.rightsByUser, rel.rightsByInvitation) ?? [];
  if (w.has('preferences')) out.preferences = { mailing: r.has_mailing, billing_mailing: r.has_billing_mailing };
  if (w.has('security')) out.security = r.user_id !== null ? { otp: r.otp, double_auth: r.otp } : null;
  if (w.has('pending_invitations'))
    out.pending_invitations = r.user_id !== null ? (rel.pendingByEmail.get(r.email.toLowerCase()) ?? []) : [];
  if (w.has('invitation_details')) {
    out.invitation_details = inv
      ? {
          id: inv.id,
          status: inv.status,
          strict: inv.strict,
          silent: inv.silent,
          locale: inv.locale,
          invited_by_id: inv.invited_by_id,
          sent_at: inv.sent_at,
          created_at: inv.created_at,
          expired_at: inv.expired_at,
        }
      : null;
  }
  if (w.has('service_permissions')) out.service_permissions = [];
  if (w.has('app_access')) out.app_access = [];
  if (w.has('drive_infos')) out.drive_infos = [];
  if (w.has('kchat_infos')) out.kchat_infos = null;
  return out;
}

export const presentAccountUser = (publicUrl: string, r: UserOrPendingRow, rel: Related): AccountUser => ({
  ...base(publicUrl, r),
  ...relations(r, rel),
});

/** An invitation's permission entries, as the product rights accepting it would grant. */
export function expandInvitationPermissions(
  entries: InvitationPermission[],
  products: { id: number; service_id: number; service_name: string }[],
): MemberRight[] {
  const byProduct = new Map<number, MemberRight>();
  for (const e of entries) {
    const targets = products.filter((p) => p.service_id === e.service_id && (e.apply_to_all || p.id === e.product_id));
    for (const p of targets) {
      const right = byProduct.get(p.id) ?? {
        product_id: p.id,
        service_id: p.service_id,
        service_name: p.service_name,
        technical: false,
        statistic: false,
        check: false,
        sale: false,
      };
      for (const t of PRODUCT_RIGHTS) if (e.types.includes(t)) right[t] = true;
      byProduct.set(p.id, right);
    }
  }
  return [...byProduct.values()].sort((a, b) => a.product_id - b.product_id);
}
