import type { FastifyInstance } from 'fastify';
import { escapeHtml } from '../../shared/html.js';
import { signedIn, type Deps } from './context.js';
import { framedPage, sendHtml } from './layout.js';
import { PAGE } from './route-config.js';

// The console's home: the organisations the user belongs to, with their role in each.

interface Organisation {
  id: number;
  name: string;
  type: 'owner' | 'admin' | 'normal';
}

export function homeRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/manager', PAGE, async (req, reply) => {
    const signed = await signedIn(deps, req, reply);
    if (!signed) return reply;
    const { t } = signed.speech;
    const list = await signed.api<Organisation[]>('GET', '/1/accounts?per_page=100');
    const rows = (list.ok ? list.data : [])
      .map(
        (o) =>
          `<tr><td><a href="/manager/accounts/${o.id}">${escapeHtml(o.name)}</a></td><td>${escapeHtml(t(`org.role.${o.type}`))}</td></tr>`,
      )
      .join('');
    const body = rows
      ? `<section><table><thead><tr><th scope="col">${escapeHtml(t('nav.home'))}</th><th scope="col">${escapeHtml(t('home.role'))}</th></tr></thead><tbody>${rows}</tbody></table></section>`
      : `<p>${escapeHtml(t('home.none'))}</p>`;
    return sendHtml(reply, 200, framedPage(signed.frame, 'home', t('home.title'), body));
  });
}
