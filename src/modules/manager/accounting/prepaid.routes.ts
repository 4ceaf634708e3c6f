import type { FastifyInstance } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import type { Answer } from '../api-client.js';
import { one, queried, type Deps } from '../context.js';
import { inputField, refusal, selectField } from '../forms.js';
import { hidden } from '../layout.js';
import { formKey, keyedCall } from './calls.js';
import { creditOutcome, transactionsSection } from './prepaid-parts.js';
import {
  accountingGet,
  accountingPage,
  accountingPath,
  accountingPost,
  seeOther,
  type Place,
  type Posted,
} from './shell.js';
import type { PaymentMethod, Prepaid } from './types.js';

// "Comptabilité → Compte prépayé": the balance (GET …/prepaid), its transactions, and crediting
// it (POST …/prepaid/credit, by a saved card or PostFinance, or by bank transfer). The amount is
// typed in the currency and sent in minor units; its limits are the API's, whose message is
// shown next to the field.

interface Typed {
  amount: string;
  method: string;
}

function balanceSection(p: Place, prepaid: Prepaid | undefined): string {
  const s = p.signed.speech;
  const balance = prepaid ? s.money(prepaid.balance, prepaid.currency) : '–';
  return `<section aria-labelledby="balance"><h2 id="balance">${escapeHtml(s.t('acc.prepaid.balance'))}</h2><p class="balance">${escapeHtml(balance)}</p></section>`;
}

function creditSection(p: Place, methods: PaymentMethod[], typed: Typed, refused?: Answer<unknown>): string {
  const { t } = p.signed.speech;
  const problems = refused?.fields ?? [];
  const options = [
    ...methods.map((m) => ({ value: `${m.kind}:${m.id}`, label: m.label })),
    { value: 'iban', label: t('acc.prepaid.by_iban') },
  ];
  return (
    `<section aria-labelledby="credit"><h2 id="credit">${escapeHtml(t('acc.prepaid.credit'))}</h2>` +
    refusal(refused, ['amount', 'method']) +
    `<form method="post" action="${accountingPath(p.org, '/prepaid')}">${hidden('csrf', p.signed.frame.csrf)}${hidden('key', formKey())}` +
    `<div>${inputField({ name: 'amount', label: t('acc.prepaid.amount', { currency: p.org.currency }), value: typed.amount, problems, extra: ' inputmode="decimal"' })}</div>` +
    `<div>${selectField({ name: 'method', label: t('acc.prepaid.method'), options, selected: typed.method, problems })}</div>` +
    `<div><button type="submit">${escapeHtml(t('acc.prepaid.credit_submit'))}</button></div></form></section>`
  );
}

async function showPrepaid(p: Place, o: { typed?: Typed; refused?: Answer<unknown> } = {}) {
  const account = `/1/accounts/${p.org.id}`;
  const [prepaid, methods] = await Promise.all([
    p.signed.api<Prepaid>('GET', `${account}/prepaid`),
    p.signed.api<PaymentMethod[]>('GET', `${account}/payment_methods`),
  ]);
  const typed = o.typed ?? { amount: '', method: '' };
  const body =
    (await creditOutcome(p, queried(p.req, 'credited'))) +
    balanceSection(p, prepaid.ok ? prepaid.data : undefined) +
    creditSection(p, methods.ok ? methods.data : [], typed, o.refused) +
    (await transactionsSection(p));
  return accountingPage(p, 'prepaid', p.signed.speech.t('acc.prepaid.title'), body);
}

/** An amount typed in the currency ("50", "0.05", "12,50") in minor units; else the text, for the API to refuse. */
function minorUnits(typed: string): number | string {
  const m = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(typed);
  if (!m) return typed;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

async function credit(p: Posted) {
  const typed = { amount: one(p.form, 'amount').trim(), method: one(p.form, 'method') };
  const [kind, savedId] = typed.method.split(':');
  const body = {
    amount: minorUnits(typed.amount),
    method: kind,
    ...(savedId ? { payment_method_id: Number(savedId) } : {}),
  };
  const url = `/1/accounts/${p.org.id}/prepaid/credit`;
  const answer = await keyedCall(p.deps, p.req, { method: 'POST', url, body, key: one(p.form, 'key') });
  if (answer.ok && typeof answer.data.payment_id === 'number')
    return seeOther(p, `/prepaid?credited=${answer.data.payment_id}`);
  return showPrepaid(p, { typed, refused: answer });
}

export function prepaidRoutes(app: FastifyInstance, deps: Deps) {
  accountingGet(app, deps, '/prepaid', (p) => showPrepaid(p));
  accountingPost(app, deps, '/prepaid', credit);
}
