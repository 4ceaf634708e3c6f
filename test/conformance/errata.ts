import type { LocatedError } from './official-document.js';

// Errors of the official document itself: an error of the validator that matches one is
// ignored. Only for a mistake of the document, never for an answer of the mirror that
// differs (those go to known-differences.ts), and always with the reason. A null where the
// row has no such value (no website, never signed in) is one: the document types the field
// without `nullable`, and the erratum matches null there, never a value of another type.

export interface Erratum {
  /** What is wrong in the document, and how we know. */
  reason: string;
  matches: (e: LocatedError) => boolean;
  /**
   * The schema the items of the offending array are checked against instead, when the
   * document does name the item but not the array: the erratum does not hide their content.
   */
  itemSchema?: string;
}

/** The error raised by the keyword at this place of the document (for a value at `instancePath` when given). */
const at =
  (schemaLocation: string, instancePath?: string) =>
  (e: LocatedError): boolean =>
    e.schemaLocation === schemaLocation && (instancePath === undefined || e.instancePath === instancePath);

const dataTypeOf = (path: string) =>
  at(
    `/paths/${path.replace(/\//g, '~1')}/get/responses/200/content/application~1json/schema/allOf/1/properties/data/type`,
  );

/**
 * A `null` at these properties of a component schema typed without `nullable`: only null,
 * so a value of another wrong type (a number for a string) still fails.
 */
const nullAt = (schema: string, properties: string[]) => {
  const locations = new Set(properties.map((p) => `/components/schemas/${schema}/properties/${p}/type`));
  return (e: LocatedError): boolean => e.keyword === 'type' && e.data === null && locations.has(e.schemaLocation);
};

/** Why a plain type that is null for some rows is the document's omission, not the mirror's. */
const NOT_NULLABLE =
  'the document marks fields `nullable` only here and there (User or pending user: user_id, avatar), not';

const NULL_LAST_LOGIN = ['087adaad_Userorpendinguser', '087adaad_TeamUser'].map((schema) =>
  nullAt(schema, ['last_login_at']),
);

const LIST_AS_STRING =
  "the list's `data` is typed `string` with no item schema, though the operation lists objects (its summary says so, it takes pagination and sort parameters) and every client reads an array";

export const ERRATA: Erratum[] = [
  {
    reason: `GET /1/accounts/{account_id}/tags: ${LIST_AS_STRING}`,
    matches: dataTypeOf('/1/accounts/{account_id}/tags'),
  },
  {
    reason: `GET /1/accounts/{account_id}/products: ${LIST_AS_STRING}`,
    matches: dataTypeOf('/1/accounts/{account_id}/products'),
  },
  {
    reason: `GET /1/accounts/current/products: ${LIST_AS_STRING}`,
    matches: dataTypeOf('/1/accounts/current/products'),
  },
  {
    reason: `GET /1/accounts/{account_id}/basic/teams: ${LIST_AS_STRING}`,
    matches: dataTypeOf('/1/accounts/{account_id}/basic/teams'),
  },
  {
    reason:
      'GET /2/accounts/{account}/users ("List users", "retrieve all users", paginated): `data` is a `$ref` to the one-user schema without the `type: array` around it',
    matches: at('/components/schemas/087adaad_Userorpendinguser/type', '/data'),
    itemSchema: '/components/schemas/087adaad_Userorpendinguser',
  },
  {
    reason:
      "a name in `required` that the schema's `properties` do not declare: the document's generator listed nested fields at the wrong level (User profile requires otp, sms, yubikey… of preferences.security and country, language, timezone of preferences; Product status requires technical, superuser, infomaniak of status.maintenance; Account requires blocked_order_id, in_process, waiting_payment, declared nowhere in it)",
    matches: (e) =>
      e.keyword === 'required' &&
      !Object.hasOwn((e.parentSchema.properties as object | undefined) ?? {}, String(e.params.missingProperty)),
  },
  {
    reason: `Account: null website, phone, fax, logo, logo_square, vat_number, field1, field2, blocked_at, partner_id, customization_url of an organisation that has none. Optional columns of an organisation; ${NOT_NULLABLE} these, and Infomaniak's iOS client (Infomaniak/ios-core, OrganisationAccount.swift) decodes website and logo as optionals`,
    matches: nullAt('087adaad_Account', [
      'website',
      'phone',
      'fax',
      'logo',
      'logo_square',
      'vat_number',
      'field1',
      'field2',
      'blocked_at',
      'partner_id',
      'customization_url',
    ]),
  },
  {
    reason: `Product: null deleted_at of a live product ("Timestamp Product has been deleted"), parent_id, parent_service_id, parent_service_name of a top-level product, description and bill_reference when none; ${NOT_NULLABLE} these`,
    matches: nullAt('087adaad_Product', [
      'deleted_at',
      'parent_id',
      'parent_service_id',
      'parent_service_name',
      'description',
      'bill_reference',
    ]),
  },
  {
    reason: `Async task: null error ("Asynchronous error result") of a task that did not fail (status executed, running or spooled); ${NOT_NULLABLE} this`,
    matches: nullAt('087adaad_AsyncTask', ['error']),
  },
  {
    reason:
      'User or pending user, Team User: null last_login_at of a pending user (an invitation never signed in: the same schema marks user_id nullable for that case) and of a user who never signed in',
    matches: (e) => NULL_LAST_LOGIN.some((matches) => matches(e)),
  },
  {
    reason:
      "User profile's preferences.account is typed `string`, yet the same schema's `required` names current_account_id (declared nowhere else): the account preference is the object that holds it, `{ current_account_id }`",
    matches: at('/components/schemas/087adaad_UserProfile/properties/preferences/properties/account/type'),
  },
];

/** The errors no erratum explains, with the errata that explained some. */
export function unexplained(errors: LocatedError[]): { left: LocatedError[]; used: Erratum[] } {
  const used = new Set<Erratum>();
  const left = errors.filter((e) => {
    const erratum = ERRATA.find((x) => x.matches(e));
    if (erratum) used.add(erratum);
    return !erratum;
  });
  return { left, used: [...used] };
}
