import type { FastifyReply } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import type { Signed } from '../context.js';
import { inputField } from '../forms.js';
import { hidden } from '../layout.js';
import { section, toolsPage } from './page.js';

// The tools' lock: a form asking for the mirror's admin token. `back` is the tool the browser
// asked for, where it goes once unlocked.

/** Only a tools page may be gone back to: the field comes from the browser. */
export const toolsAddress = (back: string) => (/^\/manager\/tools(?:[/?#]|$)/.test(back) ? back : '/manager/tools');

export function unlockPage(signed: Signed, reply: FastifyReply, o: { back?: string; wrong?: boolean }) {
  const { t } = signed.speech;
  const problems = o.wrong ? [{ attribute: 'token', description: t('tools.unlock.wrong') }] : [];
  const form =
    `<p>${escapeHtml(t('tools.unlock.intro'))}</p>` +
    `<form method="post" action="/manager/tools">${hidden('csrf', signed.frame.csrf)}${hidden('back', toolsAddress(o.back ?? ''))}` +
    inputField({
      name: 'token',
      label: t('tools.unlock.token'),
      value: '',
      problems,
      type: 'password',
      extra: ' autocomplete="off" required',
    }) +
    `<div><button type="submit">${escapeHtml(t('tools.unlock.submit'))}</button></div></form>`;
  return toolsPage(signed, reply, t('tools.title'), section('unlock', t('tools.unlock.title'), form));
}
