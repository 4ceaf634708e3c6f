import type { FastifyReply } from 'fastify';
import type { Answer } from '../api-client.js';
import type { Signed } from '../context.js';
import { notice } from '../forms.js';
import { productsOf, teamsOf, usersOf } from './data.js';
import { legalSection, leaveSection, type LegalValues } from './users.departure.js';
import { blankInvite, inviteSection, pendingSection, type InviteValues } from './users.invite.js';
import { membersSection } from './users.members.js';
import { notFoundPage, organisationOf, organisationPage } from './page.js';

// The organisation's Users tab: the members, the pending invitations, inviting, leaving and
// the legal responsible. A refused form is shown again in its own section, as it was typed.

export type UsersForm = 'members' | 'invite' | 'pending' | 'leave' | 'legal';

export interface UsersState {
  done?: boolean;
  refused?: { form: UsersForm; answer: Answer<unknown> };
  invite?: InviteValues;
  legal?: LegalValues;
  selected?: string[];
}

export async function usersPage(signed: Signed, reply: FastifyReply, account: string, state: UsersState = {}) {
  const org = await organisationOf(signed, account);
  if (!org) return notFoundPage(signed, reply);
  const [users, products, teams] = await Promise.all([
    usersOf(signed, org.id),
    productsOf(signed, org.id),
    teamsOf(signed, org.id),
  ]);
  const refused = (form: UsersForm) => (state.refused?.form === form ? state.refused.answer : undefined);
  const accountId = org.id;
  const body =
    notice(signed.speech, !!state.done) +
    membersSection(signed, { accountId, users, selected: new Set(state.selected), refused: refused('members') }) +
    pendingSection(signed, { accountId, users, refused: refused('pending') }) +
    inviteSection(signed, {
      accountId,
      values: state.invite ?? blankInvite(signed),
      products,
      teams,
      refused: refused('invite'),
    }) +
    legalSection(signed, {
      accountId,
      users,
      values: state.legal ?? { user_id: '', previous_role: 'admin' },
      refused: refused('legal'),
    }) +
    leaveSection(signed, accountId, refused('leave'));
  return organisationPage(signed, reply, { org, tab: 'users', title: signed.speech.t('org.users.title'), body });
}
