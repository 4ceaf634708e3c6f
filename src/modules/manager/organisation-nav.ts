import { escapeHtml } from '../../shared/html.js';
import type { Signed } from './context.js';
import type { Frame } from './layout.js';
import type { MessageKey } from './messages.js';

// The tabs of an organisation's pages, shared by the organisation, accounting and auto-renewal
// pages: the Manager's "Organisation" and "Comptabilité" menus, for one organisation.

const TABS = [
  ['users', 'org.tab.users', ''],
  ['teams', 'org.tab.teams', '/teams'],
  ['products', 'org.tab.products', '/products'],
  ['to-pay', 'org.tab.to_pay', '/accounting/to-pay'],
  ['orders', 'org.tab.orders', '/accounting/orders'],
  ['invoices', 'org.tab.invoices', '/accounting/invoices'],
  ['payment-methods', 'org.tab.payment_methods', '/accounting/payment-methods'],
  ['prepaid', 'org.tab.prepaid', '/accounting/prepaid'],
  ['renewals', 'org.tab.renewals', '/accounting/renewals'],
] as const satisfies readonly (readonly [string, MessageKey, string])[];

export type OrganisationTab = (typeof TABS)[number][0];

/** The base address of an organisation's pages; each tab's is this plus its own part. */
export const organisationPath = (accountId: number) => `/manager/accounts/${accountId}`;

export function organisationNav(frame: Frame, accountId: number, name: string, current: OrganisationTab): string {
  const { t } = frame.speech;
  const items = TABS.map(
    ([tab, label, part]) =>
      `<li><a href="${organisationPath(accountId)}${part}"${tab === current ? ' aria-current="page"' : ''}>${escapeHtml(t(label))}</a></li>`,
  ).join('');
  return `<p class="muted">${escapeHtml(name)}</p><nav class="tabs" aria-label="${escapeHtml(t('org.tabs'))}"><ul>${items}</ul></nav>`;
}

/** An organisation as its pages show it: named in the tabs, amounts in its currency. */
export interface Organisation {
  id: number;
  name: string;
  currency: string;
}

/** The organisation an address names, as the API shows it to the user; undefined when it is none of theirs. */
export async function organisationOf(signed: Signed, raw: string | undefined): Promise<Organisation | undefined> {
  if (!raw || !/^\d{1,10}$/.test(raw)) return undefined;
  const answer = await signed.api<Organisation>('GET', `/1/accounts/${raw}`);
  return answer.ok ? { id: answer.data.id, name: answer.data.name, currency: answer.data.currency } : undefined;
}
