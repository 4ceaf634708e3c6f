import type { LocatedError } from './official-document.js';

// Errors of the official document itself: an error of the validator that matches one is
// ignored. Only for a mistake of the document, never for an answer of the mirror that
// differs (those go to known-differences.ts), and always with the reason.

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
