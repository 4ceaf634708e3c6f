// Answers of the mirror that do not validate against the official document yet, each an
// operation and status with the reason. A ratchet: the test fails when a listed answer
// validates (remove it from this list) and when an unlisted one does not.
//
// "null for a type without nullable": the mirror answers null where the document declares a
// plain type. Either the mirror should give a value of that type (or leave the field out) or
// the document lacks `nullable`; what upstream answers for such a row settles which, and
// only then does the entry become a fix of the mirror or an erratum.

export interface KnownDifference {
  /** `GET /1/accounts`, as the document spells the operation. */
  operation: string;
  status: string;
  reason: string;
}

const NULL_FOR = (fields: string) => `null for a type without nullable: ${fields}`;
const ACCOUNT = NULL_FOR(
  'website, phone, fax, logo, logo_square, vat_number, field1, field2 (string), blocked_at, partner_id (integer), customization_url (object) of an organisation that has none',
);

export const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    operation: 'GET /1/accounts/{account}/teams',
    status: '200',
    reason: NULL_FOR('created_by and owned_by (User object) of a team nobody created or owns'),
  },
  {
    operation: 'GET /1/accounts/{account}/teams/{team}/users',
    status: '200',
    reason: NULL_FOR('last_login_at (integer) of a member who never signed in'),
  },
  { operation: 'GET /1/accounts', status: '200', reason: ACCOUNT },
  { operation: 'GET /1/accounts/{account_id}', status: '200', reason: ACCOUNT },
  { operation: 'GET /1/async/tasks', status: '200', reason: NULL_FOR('error (object) of a task that did not fail') },
  {
    operation: 'GET /1/async/tasks/{task_uuid}',
    status: '200',
    reason: NULL_FOR('error (object) of a task that did not fail'),
  },
  {
    operation: 'GET /1/products',
    status: '200',
    reason: NULL_FOR(
      'deleted_at, parent_id, parent_service_id (integer), description, bill_reference, parent_service_name (string) of a live top-level product',
    ),
  },
  {
    operation: 'GET /2/accounts/{account}/users',
    status: '200',
    reason: NULL_FOR('last_login_at (integer) of a member who never signed in'),
  },
];
