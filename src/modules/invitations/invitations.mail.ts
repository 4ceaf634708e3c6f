import type { Executor } from '../../db/database.js';
import { outbox } from '../outbox/index.js';
import { acceptUrl } from './invitations.presenter.js';
import { invitationsRepository, type InvitationRow } from './invitations.repository.js';

// The emails of the invitation flow, queued in the outbox inside the caller's transaction.

const fullName = (p: { first_name: string; last_name: string }) => `${p.first_name} ${p.last_name}`.trim();
const date = (s: number) => new Date(s * 1000).toISOString().slice(0, 10);

/** To the invitee: who invites them where, and the link that accepts. */
export function mailInvitation(
  db: Executor,
  publicUrl: string,
  row: InvitationRow,
  key: string,
  inviter: { first_name: string; last_name: string },
  accountName: string,
) {
  const url = acceptUrl(publicUrl, key);
  return outbox(db).notify({
    recipient: row.email,
    account_id: row.account_id,
    kind: 'invitation',
    subject: `${fullName(inviter)} invites you to join ${accountName}`,
    body: [
      `Hello ${fullName(row)},`,
      `${fullName(inviter)} invites you to join the organisation ${accountName} as ${row.role_type}.`,
      `Accept the invitation (POST) before ${date(row.expired_at)}: ${url}`,
      `Or decline it: ${url.replace(/\/accept$/, '/decline')}`,
    ].join('\n\n'),
  });
}

/** To whoever sent the invitation, once the invitee (named as their account is, if any) has answered. */
export async function mailInviter(
  db: Executor,
  row: InvitationRow,
  answer: 'accepted' | 'declined',
  accountName: string,
  person: { first_name: string; last_name: string } = row,
) {
  if (row.invited_by_id === null) return;
  const inviter = await invitationsRepository(db).user(row.invited_by_id);
  if (!inviter) return;
  await outbox(db).notify({
    recipient: inviter.email,
    user_id: inviter.id,
    account_id: row.account_id,
    kind: `invitation_${answer}`,
    subject: `${fullName(person)} ${answer} your invitation to ${accountName}`,
    body: `${fullName(person)} (${row.email}) ${answer} the invitation to join ${accountName} as ${row.role_type}.`,
  });
}
