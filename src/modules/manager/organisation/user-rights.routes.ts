import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import type { Answer } from '../api-client.js';
import { formOf, formValid, many, one, queried, signedIn, type Deps, type Form, type Signed } from '../context.js';
import { notice, refusal, selectField } from '../forms.js';
import { hidden } from '../layout.js';
import { organisationPath } from '../organisation-nav.js';
import { FORM, PAGE } from '../route-config.js';
import { productsOf, teamsOf, type AccountUser } from './data.js';
import {
  button,
  checkbox,
  expiredPage,
  notFoundPage,
  organisationOf,
  organisationPage,
  roleOptions,
  section,
} from './page.js';
import {
  chosenInForm,
  chosenOfUser,
  idsOf,
  permissionsOf,
  rightsTable,
  teamChoices,
  type Chosen,
} from './rights-fields.js';

// "Modify a user's permissions": role, billing access, mailings, product rights and teams of
// one member, all sent in one PATCH /2/accounts/{account}/users/{user}.

type Params = { Params: { account: string; user: string } };

interface RightsValues {
  role_type: string;
  billing: boolean;
  mailing: boolean;
  billing_mailing: boolean;
  rights: Chosen;
  teams: Set<string>;
}

const valuesOfUser = (u: AccountUser): RightsValues => ({
  role_type: u.role_type,
  billing: u.has_billing_access,
  mailing: u.is_correspondent,
  billing_mailing: u.is_correspondent_billing,
  rights: chosenOfUser(u),
  teams: new Set((u.teams ?? []).map((team) => String(team.id))),
});

function form(
  signed: Signed,
  action: string,
  v: RightsValues,
  parts: { rights: string; teams: string },
  refused?: Answer<unknown>,
) {
  const { t } = signed.speech;
  const box = (name: string, label: string, checked: boolean) =>
    `<p>${checkbox({ id: `f-${name}`, name, value: '1', label, checked })}</p>`;
  return (
    `<form method="post" action="${action}">${hidden('csrf', signed.frame.csrf)}` +
    `<div>${selectField({ name: 'role_type', label: t('org.users.role'), options: roleOptions(signed.speech, ['owner', 'admin', 'normal']), selected: v.role_type, problems: refused?.fields ?? [] })}</div>` +
    box('has_billing_access', t('org.invite.billing'), v.billing) +
    box('has_mailing', t('org.rights.mailing'), v.mailing) +
    box('has_billing_mailing', t('org.rights.billing_mailing'), v.billing_mailing) +
    parts.rights +
    parts.teams +
    `<div>${button(t('form.save'))}</div></form>`
  );
}

async function rightsPage(
  signed: Signed,
  reply: FastifyReply,
  params: Params['Params'],
  o: { done?: boolean; form?: Form; refused?: Answer<unknown> } = {},
) {
  const org = await organisationOf(signed, params.account);
  if (!org) return notFoundPage(signed, reply);
  const url = `/2/accounts/${org.id}/users/${encodeURIComponent(params.user)}?with=permissions,teams`;
  const [user, products, teams] = await Promise.all([
    signed.api<AccountUser>('GET', url),
    productsOf(signed, org.id),
    teamsOf(signed, org.id),
  ]);
  if (!user.ok) return notFoundPage(signed, reply);
  const { t } = signed.speech;
  const v = o.form ? valuesOfForm(o.form, products) : valuesOfUser(user.data);
  const action = `${organisationPath(org.id)}/users/${user.data.user_id ?? 0}`;
  const parts = {
    rights: rightsTable(signed.speech, products, v.rights),
    teams: teamChoices(signed.speech, teams, v.teams, 'team_ids'),
  };
  const body =
    `<p><a href="${organisationPath(org.id)}">${escapeHtml(t('org.rights.back'))}</a></p>` +
    notice(signed.speech, !!o.done) +
    section('rights', user.data.email, refusal(o.refused, ['role_type']) + form(signed, action, v, parts, o.refused));
  const title = t('org.rights.title', { name: user.data.display_name });
  return organisationPage(signed, reply, { org, tab: 'users', title, body });
}

function valuesOfForm(f: Form, products: Parameters<typeof chosenInForm>[1]): RightsValues {
  return {
    role_type: one(f, 'role_type'),
    billing: one(f, 'has_billing_access') === '1',
    mailing: one(f, 'has_mailing') === '1',
    billing_mailing: one(f, 'has_billing_mailing') === '1',
    rights: chosenInForm(f, products),
    teams: new Set(many(f, 'team_ids')),
  };
}

async function saveRights(deps: Deps, req: FastifyRequest<Params>, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  const f = formOf(req);
  if (!(await formValid(deps, signed, f))) return expiredPage(signed, reply);
  const { account, user } = req.params;
  const products = await productsOf(signed, Number(account));
  const body = {
    role_type: one(f, 'role_type'),
    has_billing_access: one(f, 'has_billing_access') === '1',
    has_mailing: one(f, 'has_mailing') === '1',
    has_billing_mailing: one(f, 'has_billing_mailing') === '1',
    permissions: permissionsOf(f, products),
    team_ids: idsOf(many(f, 'team_ids')),
  };
  const enc = encodeURIComponent;
  const answer = await signed.api('PATCH', `/2/accounts/${enc(account)}/users/${enc(user)}`, body);
  if (answer.ok) return reply.code(303).redirect(`${organisationPath(Number(account))}/users/${enc(user)}?done=1`, 303);
  return rightsPage(signed, reply, req.params, { form: f, refused: answer });
}

export function userRightsRoutes(app: FastifyInstance, deps: Deps) {
  const path = '/manager/accounts/:account/users/:user';
  app.get<Params>(path, PAGE, async (req, reply) => {
    const signed = await signedIn(deps, req, reply);
    if (!signed) return reply;
    return rightsPage(signed, reply, req.params, { done: queried(req, 'done') === '1' });
  });
  app.post<Params>(path, FORM, (req, reply) => saveRights(deps, req, reply));
}
