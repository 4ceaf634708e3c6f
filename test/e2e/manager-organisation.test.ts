import t from 'tap';
import { addProduct, addTeam, createMember, createOrg } from '../factories/organisations.js';
import { createUser } from '../factories/users.js';
import { apiAs, freshPage, listeningMirror, screenshot, signIn, withBrowser } from './manager-browser.js';

// The Manager's organisation pages in Chromium: inviting with permissions (and a bad address
// refused next to its field), removing one user or several, changing rights, leaving, handing
// the legal responsible over, a team's whole life, the products; each step checked through the API.

t.setTimeout(240_000);

interface AccountUser {
  user_id: number | null;
  invitation_id: number | null;
  email: string;
  role_type: string;
  state_in_account: string;
  has_billing_access: boolean;
  permissions?: { product_id: number; technical: boolean; statistic: boolean }[];
}

await withBrowser(t, async (browser) => {
  const mirror = await listeningMirror(t);
  const db = mirror.app.db;
  const org = await createOrg(db);
  const home = `/manager/accounts/${org.id}`;
  const owner = apiAs(mirror, org.owner.token);
  const product = await addProduct(db, org.id, 'hosting', { customer_name: 'Main site', fqdn: 'example.test' });
  const crew = await addTeam(db, org.id, { name: 'Crew' });
  const users = async () => (await owner<AccountUser[]>('GET', `/2/accounts/${org.id}/users?per_page=1000`)).data;
  const member = (first: string, last: string) =>
    createMember(db, org.id, 'normal', { first_name: first, last_name: last });

  t.test('invite a user with billing access, a product right and a team; then cancel it', async (t) => {
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, org.owner, home);
    await screenshot(page, 'organisation-users');
    const form = page.getByRole('region', { name: 'Invite a user' });
    await form.getByLabel('E-mail address').fill('marie.curie@example.test');
    await form.getByLabel('First name').fill('Marie');
    await form.getByLabel('Last name').fill('Curie');
    await form.getByLabel('Role').selectOption({ label: 'User' });
    await form.getByLabel('Access to billing').check();
    await form.getByLabel('Technical – Main site').check();
    await form.getByLabel('Crew').check();
    await form.getByRole('button', { name: 'Send the invitation' }).click();
    await page.getByRole('status').waitFor();
    const pending = page.getByRole('region', { name: 'Pending invitations' });
    t.match(await pending.textContent(), /Marie Curie/, 'listed as pending');
    const invitee = (await users()).find((u) => u.email === 'marie.curie@example.test');
    t.equal(invitee?.state_in_account, 'pending', 'the API has the invitation');
    type Invitation = {
      status: string;
      role_type: string;
      has_billing: boolean;
      permissions: { product_id: number; types: string[] }[];
      teams: { id: number }[];
    };
    const inv = await owner<Invitation>('GET', `/1/accounts/${org.id}/invitations/${invitee?.invitation_id}`);
    t.equal(inv.data.role_type, 'normal', 'as a user');
    t.equal(inv.data.has_billing, true, 'with billing access');
    t.match(inv.data.permissions, [{ product_id: product.id, types: ['technical'] }], 'the product right');
    t.same(
      inv.data.teams.map((x) => x.id),
      [crew.id],
      'in the team',
    );

    await pending.getByRole('button', { name: 'Cancel – Marie Curie' }).click();
    await page.getByRole('status').waitFor();
    t.match(await pending.textContent(), /No pending invitation/, 'gone from the page');
    const cancelled = await owner<Invitation>('GET', `/1/accounts/${org.id}/invitations/${invitee?.invitation_id}`);
    t.not(cancelled.data?.status, 'pending', 'the API no longer has it pending');
    noConsoleErrors();
  });

  t.test('an invalid e-mail address: the API says why next to the field, nothing typed is lost', async (t) => {
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, org.owner, home);
    const form = page.getByRole('region', { name: 'Invite a user' });
    await form.getByLabel('E-mail address').fill('not-an-address');
    await form.getByLabel('First name').fill('Pierre');
    await form.getByLabel('Last name').fill('Curie');
    await form.getByLabel('Technical – Main site').check();
    await form.getByRole('button', { name: 'Send the invitation' }).click();
    await page.locator('#f-email-error').waitFor();
    t.match(await page.locator('#f-email-error').textContent(), /email/, "the API's message under the field");
    t.equal(await page.locator('#f-email').getAttribute('aria-invalid'), 'true', 'the field is marked invalid');
    t.equal(await page.locator('#f-email').inputValue(), 'not-an-address', 'the address kept');
    t.equal(await page.locator('#f-first_name').inputValue(), 'Pierre', 'the first name kept');
    t.ok(await form.getByLabel('Technical – Main site').isChecked(), 'the right kept');
    await screenshot(page, 'organisation-invite-refused');
    t.notOk(
      (await users()).some((u) => u.email === 'not-an-address'),
      'no invitation made',
    );
    noConsoleErrors();
  });

  t.test("change a user's rights: role, billing access, a product right", async (t) => {
    const bob = await member('Bob', 'Builder');
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, org.owner, home);
    await page.getByRole('link', { name: 'Rights – Bob Builder' }).click();
    await page.getByRole('heading', { level: 1, name: 'Rights of Bob Builder' }).waitFor();
    await page.getByLabel('Role').selectOption({ label: 'Administrator' });
    await page.getByLabel('Access to billing').check();
    await page.getByLabel('Statistics – Main site').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').waitFor();
    await screenshot(page, 'organisation-user-rights');
    const got = await owner<AccountUser>('GET', `/2/accounts/${org.id}/users/${bob.id}?with=permissions`);
    t.equal(got.data.role_type, 'admin', 'an administrator now');
    t.equal(got.data.has_billing_access, true, 'with billing access');
    const right = got.data.permissions?.find((p) => p.product_id === product.id);
    t.equal(right?.statistic, true, 'the statistics right');
    t.ok(await page.getByLabel('Statistics – Main site').isChecked(), 'the page shows it');
    noConsoleErrors();
  });

  t.test('a normal member changing rights: the API refuses, the page says why', async (t) => {
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, org.normal, `${home}/users/${org.admin.id}`);
    await page.getByLabel('Role').selectOption({ label: 'User' });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').waitFor();
    t.match(await page.getByRole('alert').textContent(), /administrator/, "the API's reason");
    const got = await owner<AccountUser>('GET', `/2/accounts/${org.id}/users/${org.admin.id}`);
    t.equal(got.data.role_type, 'admin', 'unchanged');
    noConsoleErrors();
  });

  t.test('remove one user', async (t) => {
    const carl = await member('Carl', 'Sagan');
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, org.owner, home);
    await page.getByRole('button', { name: 'Remove – Carl Sagan' }).click();
    await page.getByRole('status').waitFor();
    t.notOk(
      (await users()).some((u) => u.user_id === carl.id),
      'the API no longer lists him',
    );
    t.notMatch(await page.getByRole('region', { name: 'Members' }).textContent(), /Carl Sagan/, 'nor the page');
    noConsoleErrors();
  });

  t.test('remove several users at once', async (t) => {
    const dora = await member('Dora', 'Explorer');
    const emil = await member('Emil', 'Zola');
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, org.owner, home);
    await page.getByLabel('Select – Dora Explorer').check();
    await page.getByLabel('Select – Emil Zola').check();
    await page.getByRole('button', { name: 'Remove the selection' }).click();
    await page.getByRole('status').waitFor();
    const left = (await users()).map((u) => u.user_id);
    t.notOk(left.includes(dora.id) || left.includes(emil.id), 'both gone');
    t.ok(left.includes(org.admin.id), 'the others stay');
    noConsoleErrors();
  });

  t.test('leave the organisation as a member who is not its owner', async (t) => {
    const fay = await member('Fay', 'Wray');
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, fay, home);
    await page.getByRole('button', { name: 'Leave the organisation' }).click();
    await page.waitForURL((u) => u.pathname === '/manager');
    const seen = await apiAs(mirror, fay.token)('GET', `/1/accounts/${org.id}`);
    t.equal(seen.status, 404, 'she no longer sees it');
    t.notOk(
      (await users()).some((u) => u.user_id === fay.id),
      'nor is she a member',
    );
    await page.goto(`${mirror.url}${home}`);
    t.equal(
      await page.getByRole('alert').textContent(),
      'This page does not exist, or you may not see it.',
      'its page is gone for her',
    );
    noConsoleErrors();
  });

  t.test('replace the legal responsible', async (t) => {
    const founder = await createUser(db, { first_name: 'Gus', last_name: 'Grissom' });
    const heir = await createMember(db, founder.accountId, 'admin', { first_name: 'Hedy', last_name: 'Lamarr' });
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, founder, `/manager/accounts/${founder.accountId}`);
    const legal = page.getByRole('region', { name: 'Replace the legal responsible' });
    await legal.getByLabel('New legal responsible').selectOption({ label: `Hedy Lamarr (${heir.email})` });
    await legal.getByLabel('Your role afterwards').selectOption({ label: 'Administrator' });
    await legal.getByRole('button', { name: 'Replace the legal responsible' }).click();
    await page.getByRole('status').waitFor();
    const list = await apiAs(mirror, founder.token)<AccountUser[]>('GET', `/2/accounts/${founder.accountId}/users`);
    t.equal(list.data.find((u) => u.user_id === heir.id)?.role_type, 'owner', 'she is the legal responsible');
    t.equal(list.data.find((u) => u.user_id === founder.id)?.role_type, 'admin', 'he stays an administrator');
    noConsoleErrors();
  });

  t.test('a team: create it, add a member, rename it, remove the member, delete it', async (t) => {
    type Team = { id: number; name: string; user_count: number };
    const teams = async () => (await owner<Team[]>('GET', `/1/accounts/${org.id}/teams`)).data;
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, org.owner, home);
    await page.getByRole('navigation', { name: 'Organisation menu' }).getByRole('link', { name: 'Teams' }).click();
    await page.getByRole('heading', { level: 1, name: 'Teams' }).waitFor();
    await page.getByRole('region', { name: 'Create a team' }).getByLabel('Name').fill('Pilots');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { level: 1, name: 'Team Pilots' }).waitFor();
    const created = (await teams()).find((x) => x.name === 'Pilots');
    t.ok(created, 'the API has the team');

    const label = `Ada Lovelace (${org.admin.email})`;
    await page.getByRole('region', { name: 'Add a member' }).getByLabel('Member').selectOption({ label });
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('status').waitFor();
    const teamUsers = async () =>
      (await owner<{ id: number }[]>('GET', `/1/accounts/${org.id}/teams/${created?.id}/users`)).data.map((u) => u.id);
    t.same(await teamUsers(), [org.admin.id], 'the member is in the team');
    await screenshot(page, 'organisation-team');

    await page.getByRole('region', { name: 'Rename the team' }).getByLabel('Name').fill('Navigators');
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('heading', { level: 1, name: 'Team Navigators' }).waitFor();
    t.equal((await teams()).find((x) => x.id === created?.id)?.name, 'Navigators', 'renamed in the API');

    await page.getByRole('button', { name: 'Remove from the team – Ada Lovelace' }).click();
    await page.getByText('Nobody is in this team.').waitFor();
    t.same(await teamUsers(), [], 'the team is empty');

    await page.getByRole('button', { name: 'Delete the team – Navigators' }).click();
    await page.getByRole('heading', { level: 1, name: 'Teams' }).waitFor();
    t.notOk(
      (await teams()).some((x) => x.id === created?.id),
      'deleted in the API',
    );
    await screenshot(page, 'organisation-teams');
    noConsoleErrors();
  });

  t.test('a team name the API refuses is shown next to the field', async (t) => {
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, org.owner, `${home}/teams`);
    await page.getByRole('region', { name: 'Create a team' }).getByLabel('Name').fill('crew');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('alert').waitFor();
    t.equal(await page.locator('#f-name').inputValue(), 'crew', 'the name kept');
    noConsoleErrors();
  });

  t.test('the products, read-only', async (t) => {
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, org.owner, `${home}/products`);
    const row = page.getByRole('row', { name: /Main site/ });
    t.match(await row.textContent(), /example\.test/, 'the product with its domain');
    await screenshot(page, 'organisation-products');
    noConsoleErrors();
  });

  t.test("the pages speak the profile's French", async (t) => {
    const iris = await member('Iris', 'Murdoch');
    await apiAs(mirror, iris.token)('PATCH', '/2/profile', { language_id: 1 });
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, iris, home);
    await page.getByRole('heading', { level: 1, name: 'Utilisateurs' }).waitFor();
    t.ok(await page.getByRole('button', { name: 'Retirer la sélection' }).isVisible(), 'the removal in French');
    t.ok(await page.getByRole('region', { name: 'Ajouter un utilisateur' }).isVisible(), 'the invitation in French');
    noConsoleErrors();
  });

  t.test("another organisation's pages are not found", async (t) => {
    const stranger = await createUser(db);
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, stranger, `${home}/teams`);
    t.equal(
      await page.getByRole('alert').textContent(),
      'This page does not exist, or you may not see it.',
      'not found',
    );
    noConsoleErrors();
  });
});
