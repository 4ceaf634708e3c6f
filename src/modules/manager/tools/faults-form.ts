import { escapeHtml } from '../../../shared/html.js';
import { ERROR_STATUS } from '../../../shared/errors.js';
import { one, type Form } from '../context.js';
import type { Signed } from '../context.js';
import { inputField, refusal, selectField } from '../forms.js';
import { hidden } from '../layout.js';
import type { PlaneAnswer } from './control-plane.js';
import { section } from './page.js';

// The form that adds a fault rule, with the fields POST /_mirror/faults takes, and the body
// it makes of them: empty fields left out, numbers as numbers, anything else as typed for the
// control plane to refuse next to its field.

export const FAULT_FIELDS = [
  'method',
  'path',
  'token',
  'status',
  'error_code',
  'delay_ms',
  'delay_max_ms',
  'probability',
] as const;
export type FaultValues = Record<(typeof FAULT_FIELDS)[number], string> & { drop: boolean };

export const noFault: FaultValues = {
  method: '',
  path: '',
  token: '',
  status: '',
  error_code: '',
  delay_ms: '',
  delay_max_ms: '',
  probability: '',
  drop: false,
};

const NUMERIC = new Set(['status', 'delay_ms', 'delay_max_ms', 'probability']);
const NUMBER = /^\d+(\.\d+)?$/;

export function faultValuesOf(form: Form): FaultValues {
  const values = { ...noFault, drop: one(form, 'drop') === 'on' };
  for (const f of FAULT_FIELDS) values[f] = one(form, f).trim();
  return values;
}

export function faultBody(v: FaultValues): Record<string, unknown> {
  const body: Record<string, unknown> = { path: v.path };
  for (const f of FAULT_FIELDS) {
    if (f === 'path' || v[f] === '') continue;
    body[f] = NUMERIC.has(f) && NUMBER.test(v[f]) ? Number(v[f]) : v[f];
  }
  if (v.drop) body.drop = true;
  return body;
}

function checkbox(name: string, label: string, checked: boolean) {
  return (
    `<label for="f-${name}"><input id="f-${name}" name="${name}" type="checkbox"${checked ? ' checked' : ''}> ` +
    `${escapeHtml(label)}</label>`
  );
}

export function faultForm(signed: Signed, v: FaultValues, refused: PlaneAnswer | undefined) {
  const { t } = signed.speech;
  const problems = refused?.fields ?? [];
  const any = { value: '', label: t('tools.any') };
  const methods = [any, ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => ({ value: m, label: m }))];
  const codes = [any, ...Object.keys(ERROR_STATUS).map((c) => ({ value: c, label: c }))];
  const input = (name: (typeof FAULT_FIELDS)[number], extra = '') =>
    inputField({ name, label: t(`tools.faults.${name}`), value: v[name], problems, extra });
  return section(
    'fault-add',
    t('tools.faults.add_title'),
    refusal(refused, [...FAULT_FIELDS, 'drop']) +
      `<form method="post" action="/manager/tools/faults">${hidden('csrf', signed.frame.csrf)}` +
      selectField({ name: 'method', label: t('tools.faults.method'), options: methods, selected: v.method, problems }) +
      input('path', ' required placeholder="/1/accounts/*/payments"') +
      `<p class="muted">${escapeHtml(t('tools.faults.path_hint'))}</p>` +
      input('status', ' inputmode="numeric" placeholder="503"') +
      selectField({
        name: 'error_code',
        label: t('tools.faults.error_code'),
        options: codes,
        selected: v.error_code,
        problems,
      }) +
      input('delay_ms', ' inputmode="numeric"') +
      input('delay_max_ms', ' inputmode="numeric"') +
      checkbox('drop', t('tools.faults.drop'), v.drop) +
      input('probability', ' inputmode="decimal" placeholder="1"') +
      input('token') +
      `<div><button type="submit">${escapeHtml(t('tools.faults.add'))}</button></div></form>`,
  );
}
