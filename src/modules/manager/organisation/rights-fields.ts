import { escapeHtml } from '../../../shared/html.js';
import { many, type Form } from '../context.js';
import type { Speech } from '../i18n.js';
import type { MessageKey } from '../messages.js';
import type { AccountUser, Product, TeamBrief } from './data.js';
import { checkbox } from './page.js';

// The rights a user is given, as the invitation and the rights page both ask them: a table of
// the organisation's products with a checkbox per right, and the teams. The form's choices are
// read back as the API takes them (PermissionSchema's {service_id, product_id, types}).

const RIGHTS = ['technical', 'statistic', 'check', 'sale'] as const;
type Right = (typeof RIGHTS)[number];

const rightKey = (r: Right): MessageKey => `org.right.${r}`;

/** The rights checked, by product id. */
export type Chosen = Map<number, Set<string>>;

export const fieldOf = (productId: number) => `right_${productId}`;

export function chosenInForm(form: Form, products: Product[]): Chosen {
  return new Map(products.map((p) => [p.id, new Set(many(form, fieldOf(p.id)))]));
}

export function chosenOfUser(user: AccountUser): Chosen {
  return new Map((user.permissions ?? []).map((p) => [p.product_id, new Set<string>(RIGHTS.filter((r) => p[r]))]));
}

/** The form's rights as the API's permissions: one entry per product given at least one right. */
export function permissionsOf(form: Form, products: Product[]) {
  return products.flatMap((p) => {
    const types = many(form, fieldOf(p.id));
    return types.length ? [{ service_id: p.service_id, product_id: p.id, types }] : [];
  });
}

function productRow(s: Speech, p: Product, chosen: Chosen): string {
  const cells = RIGHTS.map((r) => {
    const label = s.t('org.right.of', { right: s.t(rightKey(r)), product: p.customer_name });
    const on = chosen.get(p.id)?.has(r) ?? false;
    return `<td><input type="checkbox" name="${fieldOf(p.id)}" value="${r}" aria-label="${escapeHtml(label)}"${on ? ' checked' : ''}></td>`;
  }).join('');
  return `<tr><th scope="row">${escapeHtml(p.customer_name)} <span class="muted">${escapeHtml(p.service_name)}</span></th>${cells}</tr>`;
}

export function rightsTable(s: Speech, products: Product[], chosen: Chosen): string {
  const caption = `<caption>${escapeHtml(s.t('org.products.rights'))}</caption>`;
  if (!products.length) return `<p class="muted">${escapeHtml(s.t('org.products.none'))}</p>`;
  const head = RIGHTS.map((r) => `<th scope="col">${escapeHtml(s.t(rightKey(r)))}</th>`).join('');
  return (
    `<table>${caption}<thead><tr><th scope="col">${escapeHtml(s.t('org.products.name'))}</th>${head}</tr></thead>` +
    `<tbody>${products.map((p) => productRow(s, p, chosen)).join('')}</tbody></table>`
  );
}

/** The teams to put the user in, as checkboxes named `field`. */
export function teamChoices(s: Speech, teams: TeamBrief[], checked: Set<string>, field: string): string {
  if (!teams.length) return '';
  const boxes = teams
    .map((team) =>
      checkbox({
        id: `${field}-${team.id}`,
        name: field,
        value: String(team.id),
        label: team.name,
        checked: checked.has(String(team.id)),
      }),
    )
    .join(' ');
  return `<fieldset><legend>${escapeHtml(s.t('org.teams.choose'))}</legend>${boxes}</fieldset>`;
}

/** The checked team ids as numbers, or as typed for the API to refuse. */
export const idsOf = (values: string[]) => values.map((v) => (/^\d+$/.test(v) ? Number(v) : v));
