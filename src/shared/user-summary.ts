import { Type } from 'typebox';
import { Id, Nullable } from './schemas.js';

/** First and last name, as upstream's display_name. */
export const displayName = (u: { first_name: string; last_name: string }) => `${u.first_name} ${u.last_name}`.trim();

/** The uploaded avatar's versioned URL, or the generated default one (unless asked not to). */
export function avatarUrl(base: string, u: { id: number; avatar: string | null }, withDefault: boolean): string | null {
  if (u.avatar) return `${base}/avatars/${u.id}/${u.avatar}.img`;
  return withDefault ? `${base}/avatars/${u.id}/default.svg` : null;
}

// The small user object upstream embeds in teams, products and members.
export const UserSummarySchema = Type.Object(
  {
    id: Id,
    display_name: Type.String(),
    first_name: Type.String(),
    last_name: Type.String(),
    email: Type.String(),
    is_sso: Type.Boolean(),
    avatar: Nullable(Type.String()),
    type: Type.String(),
  },
  { $id: 'User', title: 'UserSummary' },
);

export interface UserSummaryRow {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  is_sso: boolean;
  avatar: string | null;
  is_staff: boolean;
}

export const USER_SUMMARY_COLUMNS = ['id', 'first_name', 'last_name', 'email', 'is_sso', 'avatar', 'is_staff'] as const;

export function presentUserSummary(publicUrl: string, u: UserSummaryRow) {
  return {
    id: u.id,
    display_name: displayName(u),
    first_name: u.first_name,
    last_name: u.last_name,
    email: u.email,
    is_sso: u.is_sso,
    avatar: avatarUrl(publicUrl, u, true),
    type: u.is_staff ? 'staff' : 'user',
  };
}
