import { escapeHtml } from '../../../shared/html.js';
import type { Signed } from '../context.js';
import { section } from './frame.js';

// The page that shows a new secret (an API token, an application password) this once: it is
// the answer of the creation's POST, never a redirect, so that the secret is in no address and
// the console keeps no copy of it (the page is sent `no-store`).

export function secretShownOnce(
  signed: Signed,
  o: { heading: string; secret: string; usage?: string; back: string },
): string {
  const { t } = signed.speech;
  return section(
    'new-secret',
    o.heading,
    `<p class="alert" role="alert">${escapeHtml(t('security.secret_once'))}</p>` +
      `<p><code id="secret-value">${escapeHtml(o.secret)}</code></p>` +
      (o.usage ? `<p class="muted">${escapeHtml(o.usage)}</p>` : '') +
      `<p><a href="${o.back}">${escapeHtml(t('security.back_to_list'))}</a></p>`,
  );
}
