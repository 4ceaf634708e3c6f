import { escapeHtml } from '../../../shared/html.js';
import { refusal } from '../forms.js';
import { hidden } from '../layout.js';
import { formKey, type Keyed } from './calls.js';
import { accountingPage, accountingPath, type Place } from './shell.js';
import type { Invoice, Order, PaymentMethod, Prepaid } from './types.js';

// "Pay my selection" and "Pay the order": the selection, then the payment methods the API
// offers (the prepaid account, each saved method, a bank transfer whose pro forma comes first).

/** What is being paid: invoices of the "To pay" list, or an order. */
export interface Selection {
  invoiceIds: string[];
  orderId: string;
}

/** The method chosen, as the form sends it: 'prepaid', 'iban', or '<kind>:<saved method id>'. */
export interface Choice {
  method: string;
  usePrepaid: boolean;
}

function selectionFields(selection: Selection): string {
  if (selection.orderId) return hidden('order_id', selection.orderId);
  return selection.invoiceIds.map((id) => hidden('invoice_id', id)).join('');
}

function invoiceRows(p: Place, invoices: Invoice[]): string {
  const s = p.signed.speech;
  return invoices
    .map(
      (i) =>
        `<tr><th scope="row"><a href="${accountingPath(p.org, `/invoices/${i.id}`)}">${escapeHtml(i.number)}</a></th>` +
        `<td>${escapeHtml(s.day(i.due_at))}</td><td>${escapeHtml(s.money(i.amount_due, i.currency))}</td></tr>`,
    )
    .join('');
}

function selectionSection(p: Place, invoices: Invoice[], order: Order | undefined): string {
  const { t } = p.signed.speech;
  const heading = order ? t('acc.pay.order', { id: order.id }) : t('acc.pay.selection');
  const rows = invoices.length
    ? invoiceRows(p, invoices)
    : `<tr><td colspan="3">${escapeHtml(t('acc.pay.empty'))}</td></tr>`;
  return (
    `<section aria-labelledby="selection"><h2 id="selection">${escapeHtml(heading)}</h2>` +
    `<table><thead><tr><th scope="col">${escapeHtml(t('acc.col.invoice'))}</th><th scope="col">${escapeHtml(t('acc.col.due_at'))}</th>` +
    `<th scope="col">${escapeHtml(t('acc.col.amount_due'))}</th></tr></thead><tbody>${rows}</tbody></table></section>`
  );
}

function radio(value: string, label: string, checked: boolean): string {
  const id = `m-${value.replace(/[^a-z0-9]/gi, '-')}`;
  return (
    `<div><input type="radio" id="${id}" name="method" value="${escapeHtml(value)}"${checked ? ' checked' : ''}>` +
    `<label for="${id}" class="inline">${escapeHtml(label)}</label></div>`
  );
}

function methodChoices(p: Place, methods: PaymentMethod[], prepaid: Prepaid | undefined, choice: Choice): string {
  const s = p.signed.speech;
  const balance = prepaid ? s.money(prepaid.balance, prepaid.currency) : '–';
  const chosen = choice.method || 'prepaid';
  return (
    radio('prepaid', s.t('acc.pay.method.prepaid', { balance }), chosen === 'prepaid') +
    methods.map((m) => radio(`${m.kind}:${m.id}`, m.label, chosen === `${m.kind}:${m.id}`)).join('') +
    radio('iban', s.t('acc.pay.method.iban'), chosen === 'iban')
  );
}

/** Why the processor declined, as it said it (the decline's code), under the API's message. */
function declineCode(p: Place, refused: Keyed | undefined): string {
  const code = refused?.context.decline_code;
  if (typeof code !== 'string') return '';
  return `<p class="field-error">${escapeHtml(p.signed.speech.t('acc.pay.declined', { code }))}</p>`;
}

function methodSection(p: Place, o: PayView): string {
  const { t } = p.signed.speech;
  const problem = o.refused?.fields.find((f) => f.attribute === 'method');
  return (
    `<section aria-labelledby="method"><h2 id="method">${escapeHtml(t('acc.pay.method'))}</h2>` +
    refusal(o.refused, ['method']) +
    declineCode(p, o.refused) +
    `<form method="post" action="${accountingPath(p.org, '/pay')}">${hidden('csrf', p.signed.frame.csrf)}${hidden('key', formKey())}` +
    selectionFields(o.selection) +
    `<fieldset><legend>${escapeHtml(t('acc.pay.method.legend'))}</legend>${methodChoices(p, o.methods, o.prepaid, o.choice)}` +
    (problem ? `<p class="field-error">${escapeHtml(problem.description)}</p>` : '') +
    '</fieldset>' +
    `<div><input type="checkbox" id="f-use_prepaid" name="use_prepaid" value="1"${o.choice.usePrepaid ? ' checked' : ''}>` +
    `<label for="f-use_prepaid" class="inline">${escapeHtml(t('acc.pay.use_prepaid'))}</label></div>` +
    `<p class="muted">${escapeHtml(t('acc.pay.iban_note'))}</p>` +
    `<div><button type="submit">${escapeHtml(t('acc.pay.submit'))}</button></div></form></section>`
  );
}

export interface PayView {
  selection: Selection;
  choice: Choice;
  invoices: Invoice[];
  order?: Order;
  methods: PaymentMethod[];
  prepaid?: Prepaid;
  refused?: Keyed;
}

export function payPage(p: Place, o: PayView) {
  const tab = o.order ? 'orders' : 'to-pay';
  const body = selectionSection(p, o.invoices, o.order) + methodSection(p, o);
  return accountingPage(p, tab, p.signed.speech.t('acc.pay.title'), body);
}
