import type { FastifyReply } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import type { Signed } from '../context.js';
import { refusal } from '../forms.js';
import { alertPage, framedPage, sendHtml } from '../layout.js';
import { organisationNav } from '../organisation-nav.js';
import { attemptsSection } from './attempts.js';
import { loadRenewals, type Loaded, type Organisation, type RenewalsData } from './data.js';
import { outcomesSection, type Outcomes } from './outcomes.js';
import { managePath, renewalsPath } from './paths.js';
import { productsTable, SELECTION_FORM } from './products-table.js';

// The auto-renewal page: the result of the last change, the products with their menu and the
// selection's buttons ("select all", "Manage the renewals"), then the last renewal attempts.

export interface PageState {
  /** Which boxes are checked: every one ("select all"), or these. */
  selected: 'all' | number[];
  outcomes?: Outcomes;
}

const title = (signed: Signed) => signed.speech.t('ren.title');

export const errorPage = (signed: Signed, reply: FastifyReply, message: string) =>
  alertPage(reply, signed.frame, 'organisation', message);

/** A page of the organisation's "Renouvellement auto" tab, under its tabs. */
export const tabPage = (signed: Signed, reply: FastifyReply, org: Organisation, heading: string, body: string) =>
  sendHtml(
    reply,
    200,
    framedPage(
      signed.frame,
      'organisation',
      heading,
      organisationNav(signed.frame, org.id, org.name, 'renewals') + body,
    ),
  );

/** The page when the API refused what it needs: not found as such, any other refusal in its words. */
export function refusedPage(signed: Signed, reply: FastifyReply, loaded: Exclude<Loaded, { data: unknown }>) {
  if (!loaded.org || loaded.refused.status === 404) return errorPage(signed, reply, signed.speech.t('error.not_found'));
  return tabPage(signed, reply, loaded.org, title(signed), refusal(loaded.refused));
}

function selectionButtons(signed: Signed, accountId: number): string {
  const { t } = signed.speech;
  return (
    `<form id="${SELECTION_FORM}" method="get" action="${managePath(accountId)}" class="actions">` +
    `<button type="submit" class="secondary" formaction="${renewalsPath(accountId)}" name="select" value="all">${escapeHtml(t('ren.select_all'))}</button> ` +
    `<a href="${renewalsPath(accountId)}">${escapeHtml(t('ren.clear'))}</a> ` +
    `<button type="submit">${escapeHtml(t('ren.manage'))}</button></form>`
  );
}

function body(signed: Signed, data: RenewalsData, state: PageState): string {
  const s = signed.speech;
  const selected = (id: number) => state.selected === 'all' || state.selected.includes(id);
  return (
    outcomesSection(s, state.outcomes, data.renewals) +
    `<section aria-labelledby="products"><h2 id="products">${escapeHtml(s.t('ren.products'))}</h2>` +
    `<p class="muted">${escapeHtml(s.t('ren.intro'))}</p>` +
    productsTable(signed, data, selected) +
    (data.renewals.length ? selectionButtons(signed, data.org.id) : '') +
    '</section>' +
    attemptsSection(s, data.attempts, data.renewals)
  );
}

export async function renewalsPage(signed: Signed, reply: FastifyReply, accountId: number, state: PageState) {
  const loaded = await loadRenewals(signed, accountId);
  if (!('data' in loaded)) return refusedPage(signed, reply, loaded);
  return tabPage(signed, reply, loaded.data.org, title(signed), body(signed, loaded.data, state));
}
