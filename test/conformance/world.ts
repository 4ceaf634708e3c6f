import type { App } from '../factories/organisations.js';
import {
  addInvitation,
  addProduct,
  addTag,
  addTeam,
  createOrg,
  tagProduct,
  type Org,
} from '../factories/organisations.js';
import { addEmail, addPhone, addTask } from '../factories/profile.js';
import { createUser, type TestUser } from '../factories/users.js';
import { ADMIN_TOKEN, call } from '../helper.js';

// One organisation with something of every kind the official operations show, so each
// answer carries its objects (an empty list would validate against any item schema).

/** A 16×16 PNG, as the avatar upload sends it (base64). */
export const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR4nGP8z8DAQAxgYhhVSF+FAP5FAh/YCdUrAAAAAElFTkSuQmCC';

export interface World {
  org: Org;
  /** Someone invited into the organisation, not yet a member. */
  invitee: TestUser;
  ids: {
    /** A team with a member and a product permission, read and patched. */
    team: number;
    /** A team of its own for the deletion. */
    doomedTeam: number;
    /** Pending invitations: one read and patched, one cancelled. */
    invitation: number;
    doomedInvitation: number;
    email: number;
    phone: number;
    appPassword: number;
    /** An event of the status page, in progress on the public cloud. */
    event: number;
  };
  taskUuid: string;
}

export async function seedWorld(app: App): Promise<World> {
  const db = app.db;
  const org = await createOrg(db);
  const invitee = await createUser(db);
  const product = await addProduct(db, org.id, 'domain', { fqdn: 'conformance.ch', customer_name: 'conformance.ch' });
  await tagProduct(db, product.id, await addTag(db, org.id, 'conformance', 3));
  const team = await addTeam(db, org.id, {
    owned_by_id: org.owner.id,
    created_by_id: org.owner.id,
    members: [org.normal.id, org.admin.id],
    permissions: [{ service_id: product.service_id, rights: 'technical' }],
  });
  // Created and owned by someone, as every team created through the API is (its creator owns it).
  const doomedTeam = await addTeam(db, org.id, {
    owned_by_id: org.owner.id,
    created_by_id: org.owner.id,
    members: [org.normal.id],
  });
  const invitation = await addInvitation(db, org.id, { email: invitee.email, team_ids: [team.id] });
  const doomedInvitation = await addInvitation(db, org.id);
  const owner = org.owner;
  const email = await addEmail(db, owner.id, 'second-address@example.test');
  const phone = await addPhone(db, owner.id, '+41791234567');
  const finished = Math.floor(Date.now() / 1000);
  const taskUuid = await addTask(db, owner.id, {
    status: 'executed',
    response: { result: true },
    executed_at: finished,
    finished_at: finished,
  });
  const password = await call(app, owner.token, 'POST', '/2/profile/applications/passwords', { name: 'seeded' });
  await call(app, owner.token, 'POST', '/2/profile/avatar', { avatar: PNG_BASE64, encoding: 'base64' });
  const event = await call(app, ADMIN_TOKEN, 'POST', '/_mirror/events', {
    type: 'incident',
    status: 'inprogress',
    title: 'Instances slow to start',
    description: 'Investigating',
    translations: [{ language: 'fr', title: 'Instances lentes', body: 'En cours' }],
    comments: [{ title: 'Update', body: 'Found it', started_at: finished, translations: [] }],
    services: ['public_cloud'],
    started_at: finished,
  });
  return {
    org,
    invitee,
    ids: {
      team: team.id,
      doomedTeam: doomedTeam.id,
      invitation: invitation.id,
      doomedInvitation: doomedInvitation.id,
      email: email.id,
      phone: phone.id,
      appPassword: password.json<{ data: { id: number } }>().data.id,
      event: event.json<{ data: { id: number } }>().data.id,
    },
    taskUuid,
  };
}
