import { Type, type Static } from 'typebox';
import { Id, StringEnum } from '../../shared/schemas.js';

// A member's accesses to the organisation's apps. The official document types `data` as an
// object and says no more; ik-mirror keys it by app, each with the app's products the member
// reaches and their role there.

/** The apps, and the service of the products that are each app's. */
export const APPS = [
  ['drive', 'drive'],
  ['mail', 'email_hosting'],
  ['ksuite', 'ksuite'],
] as const;
export const APP_SERVICES = APPS.map(([, service]) => service);

const AppAccess = Type.Object(
  {
    product_id: Id,
    customer_name: Type.String(),
    role: StringEnum(['admin', 'user'], {
      description: "admin: the organisation's owners and administrators, or a technical right on the product",
    }),
  },
  { $id: 'AppAccess', title: 'AppAccess' },
);

export const AppAccessesSchema = Type.Object(
  { drive: Type.Array(AppAccess), mail: Type.Array(AppAccess), ksuite: Type.Array(AppAccess) },
  {
    $id: 'AppAccesses',
    title: 'AppAccesses',
    examples: [{ drive: [{ product_id: 3, customer_name: 'Acme Drive', role: 'admin' }], mail: [], ksuite: [] }],
  },
);
export type AppAccesses = Static<typeof AppAccessesSchema>;
export type AppAccess = Static<typeof AppAccess>;
