import type { FastifyInstance } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import { signedIn, type Deps, type Signed } from '../context.js';
import { PAGE } from '../route-config.js';
import { productsOf, type Product } from './data.js';
import { notFoundPage, organisationOf, organisationPage, section, type AccountParams } from './page.js';

// The Products tab, read-only: the organisation's products the user holds a right on (all of
// them for its owners and administrators, as the API decides).

function productRow(signed: Signed, p: Product): string {
  const s = signed.speech;
  return (
    `<tr><th scope="row">${escapeHtml(p.customer_name)}</th><td>${escapeHtml(p.service_name)}</td>` +
    `<td>${escapeHtml(p.fqdn ?? '–')}</td><td>${escapeHtml(s.day(p.created_at))}</td><td>${escapeHtml(s.day(p.expired_at))}</td></tr>`
  );
}

function productsTable(signed: Signed, products: Product[]): string {
  const { t } = signed.speech;
  if (!products.length) return `<p>${escapeHtml(t('org.products.none'))}</p>`;
  const head = [
    'org.products.name',
    'org.products.service',
    'org.products.fqdn',
    'org.products.created',
    'org.products.expires',
  ] as const;
  return (
    `<table><thead><tr>${head.map((k) => `<th scope="col">${escapeHtml(t(k))}</th>`).join('')}</tr></thead>` +
    `<tbody>${products.map((p) => productRow(signed, p)).join('')}</tbody></table>`
  );
}

export function productsRoutes(app: FastifyInstance, deps: Deps) {
  app.get<AccountParams>('/manager/accounts/:account/products', PAGE, async (req, reply) => {
    const signed = await signedIn(deps, req, reply);
    if (!signed) return reply;
    const org = await organisationOf(signed, req.params.account);
    if (!org) return notFoundPage(signed, reply);
    const products = await productsOf(signed, org.id);
    const { t } = signed.speech;
    const body = section('products', t('org.products.title'), productsTable(signed, products));
    return organisationPage(signed, reply, { org, tab: 'products', title: t('org.products.title'), body });
  });
}
