import type { FastifyInstance } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import type { Answer } from '../api-client.js';
import { one, queried, type Deps } from '../context.js';
import { inputField, notice, refusal, selectField } from '../forms.js';
import { hidden } from '../layout.js';
import type { MessageKey } from '../messages.js';
import { formKey, keyedCall } from './calls.js';
import {
  accountingGet,
  accountingPage,
  accountingPath,
  accountingPost,
  seeOther,
  type Place,
  type Posted,
} from './shell.js';
import type { PaymentMethod } from './types.js';

// "Comptabilité → Moyens de paiement": the saved methods (GET …/payment_methods), adding one
// (a card, Twint, PayPal or PostFinance; the API says which fields each kind needs) and
// removing one.

const KINDS = ['card', 'twint', 'paypal', 'postfinance'] as const;
const FIELDS = ['kind', 'number', 'exp_month', 'exp_year', 'cvc', 'holder', 'phone', 'email'] as const;
type Typed = Record<(typeof FIELDS)[number], string>;
const NUMERIC = new Set(['exp_month', 'exp_year']);

function methodRow(p: Place, m: PaymentMethod): string {
  const s = p.signed.speech;
  const expiry = m.exp_month && m.exp_year ? `${String(m.exp_month).padStart(2, '0')}/${m.exp_year}` : '–';
  return (
    `<tr><th scope="row">${escapeHtml(m.label)}</th><td>${escapeHtml(s.t(`acc.method.${m.kind}` satisfies MessageKey))}</td>` +
    `<td>${escapeHtml(expiry)}</td><td>${escapeHtml(s.t(m.supports_auto_renewal ? 'yes' : 'no'))}</td><td>` +
    `<form method="post" action="${accountingPath(p.org, `/payment-methods/${m.id}/remove`)}" class="inline">${hidden('csrf', p.signed.frame.csrf)}` +
    `<button type="submit" class="danger" aria-label="${escapeHtml(s.t('acc.methods.remove_named', { label: m.label }))}">${escapeHtml(s.t('acc.methods.remove'))}</button></form></td></tr>`
  );
}

async function listSection(p: Place): Promise<string> {
  const { t } = p.signed.speech;
  const methods = await p.signed.api<PaymentMethod[]>('GET', `/1/accounts/${p.org.id}/payment_methods`);
  const list = methods.ok ? methods.data : [];
  const head = (
    [
      'acc.methods.col.method',
      'acc.methods.col.kind',
      'acc.methods.col.expiry',
      'acc.methods.col.auto',
      'acc.col.actions',
    ] as const
  )
    .map((k) => `<th scope="col">${escapeHtml(t(k))}</th>`)
    .join('');
  const table = list.length
    ? `<table><thead><tr>${head}</tr></thead><tbody>${list.map((m) => methodRow(p, m)).join('')}</tbody></table>`
    : `<p>${escapeHtml(t('acc.methods.none'))}</p>`;
  return `<section aria-labelledby="methods"><h2 id="methods">${escapeHtml(t('acc.methods.saved'))}</h2>${refusal(methods)}${table}</section>`;
}

function addSection(p: Place, typed: Typed, refused?: Answer<unknown>): string {
  const { t } = p.signed.speech;
  const problems = refused?.fields ?? [];
  const input = (name: Exclude<keyof Typed, 'kind'>, type = 'text') =>
    `<div>${inputField({ name, label: t(`acc.methods.field.${name}` satisfies MessageKey), value: typed[name], problems, type })}</div>`;
  return (
    `<section aria-labelledby="add-method"><h2 id="add-method">${escapeHtml(t('acc.methods.add'))}</h2>` +
    refusal(refused, FIELDS) +
    `<p class="muted">${escapeHtml(t('acc.methods.test_numbers'))}</p>` +
    `<form method="post" action="${accountingPath(p.org, '/payment-methods')}">${hidden('csrf', p.signed.frame.csrf)}${hidden('key', formKey())}` +
    selectField({
      name: 'kind',
      label: t('acc.methods.field.kind'),
      options: KINDS.map((k) => ({ value: k, label: t(`acc.method.${k}` satisfies MessageKey) })),
      selected: typed.kind || 'card',
      problems,
    }) +
    input('number') +
    input('exp_month') +
    input('exp_year') +
    input('cvc') +
    input('holder') +
    input('phone', 'tel') +
    input('email', 'email') +
    `<div><button type="submit">${escapeHtml(t('acc.methods.add_submit'))}</button></div></form></section>`
  );
}

async function showMethods(p: Place, o: { typed?: Typed; refused?: Answer<unknown> } = {}) {
  const s = p.signed.speech;
  const typed = o.typed ?? {
    kind: '',
    number: '',
    exp_month: '',
    exp_year: '',
    cvc: '',
    holder: '',
    phone: '',
    email: '',
  };
  const body = notice(s, queried(p.req, 'done') === '1') + (await listSection(p)) + addSection(p, typed, o.refused);
  return accountingPage(p, 'payment-methods', s.t('acc.methods.title'), body);
}

/** The fields typed, as the API takes them: only those filled, numbers as numbers. */
const bodyOf = (typed: Typed) =>
  Object.fromEntries(
    FIELDS.filter((k) => typed[k] !== '').map((k) => [
      k,
      NUMERIC.has(k) && /^\d+$/.test(typed[k]) ? Number(typed[k]) : typed[k],
    ]),
  );

async function addMethod(p: Posted) {
  const typed: Typed = { kind: '', number: '', exp_month: '', exp_year: '', cvc: '', holder: '', phone: '', email: '' };
  for (const k of FIELDS) typed[k] = one(p.form, k).trim();
  const url = `/1/accounts/${p.org.id}/payment_methods`;
  const answer = await keyedCall(p.deps, p.req, { method: 'POST', url, body: bodyOf(typed), key: one(p.form, 'key') });
  if (answer.ok) return seeOther(p, '/payment-methods?done=1');
  return showMethods(p, { typed, refused: answer });
}

async function removeMethod(p: Posted) {
  const url = `/1/accounts/${p.org.id}/payment_methods/${encodeURIComponent(p.params.method ?? '')}`;
  const answer = await p.signed.api('DELETE', url);
  if (answer.ok) return seeOther(p, '/payment-methods?done=1');
  return showMethods(p, { refused: answer });
}

export function paymentMethodRoutes(app: FastifyInstance, deps: Deps) {
  accountingGet(app, deps, '/payment-methods', (p) => showMethods(p));
  accountingPost(app, deps, '/payment-methods', addMethod);
  accountingPost(app, deps, '/payment-methods/:method/remove', removeMethod);
}
