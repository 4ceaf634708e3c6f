import type { FastifyReply } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import type { Signed } from '../context.js';
import { hidden } from '../layout.js';
import { organisationOf, renewalsOf, type Renewal } from './data.js';
import { refusedPage, tabPage } from './page.js';
import { managePath, renewalsPath } from './paths.js';

// "Gérer les renouvellements": the selected products and what to do with them all, activate or
// deactivate their auto-renewal (the help article's "Désactiver le renouvellement automatique").

const backTo = (accountId: number, ids: number[]) =>
  `${renewalsPath(accountId)}${ids.length ? `?${ids.map((id) => `product=${id}`).join('&')}` : ''}`;

function selectionList(signed: Signed, ids: number[], renewals: Renewal[]): string {
  const s = signed.speech;
  const items = ids.map((id) => {
    const r = renewals.find((x) => x.product_id === id);
    const name = r?.customer_name ?? s.t('ren.unknown_product', { id });
    const state = r ? s.t(r.enabled ? 'ren.state.on' : 'ren.state.off') : '';
    return `<li>${escapeHtml(name)} <span class="muted">${escapeHtml(state)}</span></li>`;
  });
  return `<ul>${items.join('')}</ul>`;
}

function choiceForm(signed: Signed, accountId: number, ids: number[]): string {
  const { t } = signed.speech;
  return (
    `<form method="post" action="${managePath(accountId)}">${hidden('csrf', signed.frame.csrf)}` +
    ids.map((id) => hidden('product', id)).join('') +
    `<button type="submit" name="action" value="on">${escapeHtml(t('ren.activate'))}</button> ` +
    `<button type="submit" name="action" value="off" class="danger">${escapeHtml(t('ren.deactivate'))}</button> ` +
    `<a href="${backTo(accountId, ids)}">${escapeHtml(t('form.cancel'))}</a></form>`
  );
}

export async function managePage(signed: Signed, reply: FastifyReply, accountId: number, ids: number[]) {
  const { t } = signed.speech;
  const org = await organisationOf(signed, accountId);
  if (!org.ok) return refusedPage(signed, reply, { refused: org });
  const renewals = await renewalsOf(signed, accountId);
  if (!renewals.ok) return refusedPage(signed, reply, { refused: renewals, org: org.data });
  const body = ids.length
    ? `<section aria-labelledby="selection"><h2 id="selection">${escapeHtml(t('ren.manage.selection', { n: ids.length }))}</h2>` +
      selectionList(signed, ids, renewals.data) +
      choiceForm(signed, accountId, ids) +
      '</section>'
    : `<p class="alert" role="alert">${escapeHtml(t('ren.manage.none'))}</p><p><a href="${renewalsPath(accountId)}">${escapeHtml(t('ren.back'))}</a></p>`;
  return tabPage(signed, reply, org.data, t('ren.manage'), body);
}
