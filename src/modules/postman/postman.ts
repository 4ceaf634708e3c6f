import { createHash } from 'node:crypto';
import { dereferenced } from '../../shared/openapi-dereference.js';

// The Postman collection and environment, made from the OpenAPI document with
// openapi-to-postmanv2: a folder per tag, Bearer auth at the collection level from a `token`
// variable that every request needing a token inherits (the control plane's requests use
// `adminToken`, public ones none), `baseUrl` and a variable for every path parameter, bodies
// that work on a server seeded with the demo fixture, and a test script per request (the
// status is one the operation documents, the body its envelope), so that newman can run the
// whole collection against a seeded server. The converter gives items random ids; they are
// replaced with ids derived from each item's place in the collection, so the same document
// always gives the same file.

type Json = Record<string, unknown>;
interface Item extends Json {
  id?: string;
  name: string;
  item?: Item[];
  // Every request the converter makes has this shape.
  request?: Request;
}

/** A Postman v2.1 collection, as the converter makes it: a tree of items and its info. */
type Collection = Json & { item: Item[]; info: Json };

const stableId = (key: string) => {
  const h = createHash('sha1').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/**
 * With a `sandbox` variable, every request carries X-Mirror-Sandbox (Postman has no
 * collection-wide headers, so a pre-request script). The curated flows carry the same script,
 * which CI runs with newman in two sandboxes.
 */
export const SANDBOX_SCRIPT = [
  "// With a `sandbox` variable, every request acts in that sandbox (the mirror's X-Mirror-Sandbox).",
  "const sandbox = pm.variables.get('sandbox');",
  "if (sandbox) pm.request.headers.upsert({ key: 'X-Mirror-Sandbox', value: sandbox });",
];

const bearer = (variable: string) => ({
  type: 'bearer',
  bearer: [{ key: 'token', value: `{{${variable}}}`, type: 'string' }],
});

/**
 * The environment: the address, the tokens (given at run time) and a variable for every path
 * parameter and body value, whose default is an object of a server seeded with the demo
 * fixture (`--seed demo`: Acme SA is organisation 1, Alice user 1, Bob 2, Carol 3, Acme kDrive
 * product 3, the visa card payment method 1, invoice 1 unpaid) or, for an object the
 * collection creates, the id it gets on a freshly seeded server; a create request's test
 * script stores the id it answered, so the requests after it act on that object.
 */
export const VARIABLES: { key: string; value: string; secret?: boolean; numeric?: boolean }[] = [
  { key: 'baseUrl', value: '' },
  { key: 'token', value: '', secret: true },
  { key: 'adminToken', value: '', secret: true },
  { key: 'sandbox', value: '' },
  { key: 'accountId', value: '1', numeric: true },
  { key: 'otherAccountId', value: '2', numeric: true },
  { key: 'userId', value: '2', numeric: true },
  { key: 'removedUserId', value: '3', numeric: true },
  { key: 'teamId', value: '1', numeric: true },
  { key: 'newTeamId', value: '2', numeric: true },
  { key: 'productId', value: '3', numeric: true },
  { key: 'paymentMethodId', value: '1', numeric: true },
  { key: 'newPaymentMethodId', value: '4', numeric: true },
  { key: 'invoiceId', value: '1', numeric: true },
  { key: 'orderId', value: '1', numeric: true },
  { key: 'paymentId', value: '1', numeric: true },
  { key: 'tagId', value: '1', numeric: true },
  { key: 'invitationId', value: '1', numeric: true },
  { key: 'invitationKey', value: 'unknown-invitation-key' },
  { key: 'newTokenId', value: '6', numeric: true },
  { key: 'sessionId', value: '1', numeric: true },
  { key: 'emailType', value: 'email' },
  { key: 'emailId', value: '1', numeric: true },
  { key: 'phoneId', value: '1', numeric: true },
  { key: 'languageId', value: '1', numeric: true },
  { key: 'countryId', value: '1', numeric: true },
  { key: 'timezoneId', value: '1', numeric: true },
  { key: 'actionId', value: '1', numeric: true },
  { key: 'taskUuid', value: '00000000-0000-4000-8000-000000000000' },
  { key: 'eventId', value: '1', numeric: true },
  { key: 'newEventId', value: '3', numeric: true },
  { key: 'oauthClientId', value: 'ikmc_made-by-the-collection' },
  { key: 'applicationPasswordId', value: '1', numeric: true },
  { key: 'supportAccessKind', value: 'mail' },
  { key: 'snapshotName', value: 'postman' },
  { key: 'sandboxName', value: 'postman' },
  { key: 'faultId', value: '00000000-0000-4000-8000-000000000000' },
];
const NUMERIC = new Set(VARIABLES.filter((v) => v.numeric).map((v) => v.key));

/** A path parameter's variable, by the parameter's name (an operation's plan may say otherwise). */
const PARAMETERS: Record<string, string> = {
  account: 'accountId',
  account_id: 'accountId',
  user: 'userId',
  team: 'teamId',
  tag_id: 'tagId',
  product: 'productId',
  payment_method: 'newPaymentMethodId',
  payment: 'paymentId',
  order: 'orderId',
  invoice: 'invoiceId',
  invitation: 'invitationId',
  key: 'invitationKey',
  token_id: 'newTokenId',
  session_id: 'sessionId',
  email_type: 'emailType',
  email_id: 'emailId',
  phone_id: 'phoneId',
  language_id: 'languageId',
  country_id: 'countryId',
  timezone_id: 'timezoneId',
  action_id: 'actionId',
  task_uuid: 'taskUuid',
  event_id: 'eventId',
  client_id: 'oauthClientId',
  password_id: 'applicationPasswordId',
  kind: 'supportAccessKind',
  id: 'faultId',
};

/**
 * What an operation needs beyond its path parameters: other variables for some of them, a
 * body (a `{{variable}}` string stands for the variable; a numeric one loses its quotes), and
 * `save`: variables a 201 answer sets (an expression on the answer's body `b`). The whole
 * collection runs coherently in order on a seeded server: what it deletes, it created
 * (a token, a team, a payment method, a tag…), and what would lock its caller out (leaving
 * or handing over an organisation) acts on an organisation the caller is not in.
 */
interface Plan {
  params?: Record<string, string>;
  body?: unknown;
  save?: Record<string, string>;
}
/** A 16×16 blue PNG, the smallest avatar there may be. */
const AVATAR =
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR42mOQz99CEmIY1TCqYfhqAACa5EIQhijAZQAAAABJRU5ErkJggg==';
const PLANS: Record<string, Plan> = {
  createApiToken: { body: { name: 'Postman', scopes: ['user_info'] }, save: { newTokenId: 'b.data.id' } },
  updateProfile: { body: { firstname: 'Alice' } },
  setProfileAvatar: { body: { avatar: AVATAR, encoding: 'base64' } },
  signup: {
    body: {
      email: 'newcomer@example.com',
      password: 'postman-password-2026',
      first_name: 'Nina',
      last_name: 'Newcomer',
      locale: 'en_GB',
    },
  },
  updateAccount: { body: { name: 'Acme SA' } },
  createAccountTag: { body: { name: 'Postman', color: 1 }, save: { tagId: 'b.data.id' } },
  updateAccountTag: { body: { name: 'Postman (renamed)' } },
  updateAccountUser: { body: { role_type: 'admin' } },
  removeAccountUser: { params: { user: 'removedUserId' } },
  removeAccountUsers: { body: { user_ids: ['{{removedUserId}}'] } },
  leaveAccount: { params: { account: 'otherAccountId' } },
  handOverLegalResponsible: {
    params: { account: 'otherAccountId' },
    body: { user_id: '{{userId}}', previous_role: 'admin' },
  },
  createInvitation: {
    body: {
      email: 'invitee@example.com',
      first_name: 'Ivy',
      last_name: 'Invitee',
      locale: 'en_GB',
      role_type: 'normal',
    },
    save: { invitationId: 'b.data.id', invitationKey: "b.data.url_accept.split('/invitations/')[1].split('/')[0]" },
  },
  updateInvitation: { body: { role_type: 'admin' } },
  acceptInvitation: { body: { password: 'postman-password-2026', first_name: 'Ivy', last_name: 'Invitee' } },
  createTeam: { body: { name: 'Postman' }, save: { newTeamId: 'b.data.id' } },
  updateTeam: { body: { name: 'Web' } },
  deleteTeam: { params: { team: 'newTeamId' } },
  addTeamUsers: { body: { user_ids: ['{{userId}}'] } },
  removeTeamUsers: { body: { user_ids: ['{{userId}}'] } },
  createPaymentMethod: {
    body: {
      kind: 'card',
      number: '5555555555554444',
      exp_month: 12,
      exp_year: 2030,
      cvc: '123',
      holder: 'Alice Martin',
    },
    save: { newPaymentMethodId: 'b.data.id' },
  },
  creditPrepaidAccount: { body: { amount: 1000, method: 'card', payment_method_id: '{{paymentMethodId}}' } },
  // A bank transfer: the payment waits for record_transfer, the next request but one.
  createPayment: { body: { invoice_ids: ['{{invoiceId}}'], method: 'iban' }, save: { paymentId: 'b.data.id' } },
  createOrder: { save: { orderId: 'b.data.id' } },
  switchOffAutoRenewal: { body: { enabled: false, product_ids: ['{{productId}}'] } },
  setProductAutoRenewal: { body: { enabled: true, payment_method_id: '{{paymentMethodId}}' } },
  setMirrorClock: { body: { advance: '1h' } },
  saveMirrorSnapshot: { body: { name: '{{snapshotName}}' } },
  restoreMirrorSnapshot: { params: { name: 'snapshotName' } },
  deleteMirrorSnapshot: { params: { name: 'snapshotName' } },
  addMirrorFault: {
    body: { method: 'GET', path: '/1/postman-example-fault', status: 503 },
    save: { faultId: 'b.data.id' },
  },
  createMirrorSandbox: { body: { name: '{{sandboxName}}' } },
  createMirrorEvent: {
    body: {
      type: 'incident',
      status: 'inprogress',
      title: 'Postman incident',
      description: 'Made by the collection',
      services: ['public_cloud'],
      started_at: 1796083200,
    },
    save: { newEventId: 'b.data.id' },
  },
  updateMirrorEvent: { params: { event_id: 'newEventId' }, body: { status: 'terminated', ended_at: 1796086800 } },
  createMirrorTask: { body: { user_id: '{{userId}}', running_after: 5, done_after: 30 } },
  deleteMirrorSandbox: { params: { name: 'sandboxName' } },
  createOAuthClient: { save: { oauthClientId: 'b.data.client_id' } },
  createApplicationPassword: { save: { applicationPasswordId: 'b.data.id' } },
};
/** Moved to the end of their folder, in this order: the invitation is accepted before it could be cancelled; the fault made is deleted by its id before all are. */
const LAST = ['cancelInvitation', 'clearMirrorFaults'];

interface Operation {
  operationId: string;
  security?: Record<string, unknown>[];
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { example?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> }>;
}
type Doc = Json & { paths: Record<string, Record<string, Operation>> };

const bodyText = (body: unknown) =>
  JSON.stringify(body, null, 2).replace(/"\{\{(\w+)\}\}"/g, (m, v: string) => (NUMERIC.has(v) ? `{{${v}}}` : m));

/** The test script: the status is one the operation documents, the body its envelope (`result`), and what a 201 answer saves. */
function testScript(op: Operation, plan: Plan | undefined): string[] {
  const statuses = Object.keys(op.responses)
    .map(Number)
    .sort((a, b) => a - b);
  const enveloped = statuses.filter((s) => op.responses[s]?.content?.['application/json']?.schema?.properties?.result);
  const lines = [
    `// ${op.operationId}: the statuses it documents, the envelope on ${enveloped.join(', ')}.`,
    `const documented = [${statuses.join(', ')}];`,
    `const enveloped = [${enveloped.join(', ')}];`,
    "pm.test(`status ${pm.response.code} is one ${documented.join('/')}`, () => pm.expect(documented).to.include(pm.response.code));",
    'if (enveloped.includes(pm.response.code)) {',
    "  pm.test('the body is the envelope', () => pm.expect(pm.response.json().result).to.equal(pm.response.code < 400 ? 'success' : 'error'));",
    '}',
  ];
  if (plan?.save) {
    lines.push('if (pm.response.code === 201) {', '  const b = pm.response.json();');
    for (const [variable, expr] of Object.entries(plan.save)) {
      lines.push(
        `  pm.test('the answer gives ${variable}', () => pm.expect(${expr}).to.not.be.oneOf([undefined, null, '']));`,
      );
      lines.push(`  pm.environment.set('${variable}', String(${expr}));`);
    }
    lines.push('}');
  }
  return lines;
}

// The converter loads a large tree of modules (a schema faker among them): only the first
// request for the collection, or the generator script, pays for it.
async function convert(doc: Json): Promise<Collection> {
  const { default: Converter } = await import('openapi-to-postmanv2');
  return new Promise((resolve, reject) => {
    Converter.convert(
      { type: 'json', data: doc },
      {
        folderStrategy: 'Tags',
        parametersResolution: 'Example',
        includeAuthInfoInExample: false,
        // Faked bodies are random: the file would change on every run. Examples come from the document.
        schemaFaker: false,
      },
      (err, res) => {
        const first = res?.output?.[0];
        if (err) reject(err instanceof Error ? err : new Error(err.message));
        else if (!res?.result || !first) reject(new Error(`openapi-to-postmanv2: ${res?.reason}`));
        // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- the converter types its collection as any object: this is the shape it documents
        else resolve(first.data as Collection);
      },
    );
  });
}

interface Request extends Json {
  method: string;
  auth?: unknown;
  header?: { key: string; value: string; disabled?: boolean }[];
  body?: { mode: string; raw?: string; options?: unknown };
  url: {
    path: string[];
    query?: { key: string; value: string; disabled?: boolean }[];
    variable?: { key: string; value: string }[];
  };
}

/**
 * Gives every item (and its saved responses) an id from its path, its auth (inherited from
 * the collection: {{token}}; {{adminToken}} for the control plane; none for public routes),
 * its variables, body and test script.
 */
function settle(items: Item[], trail: string, operations: Map<string, Operation>) {
  for (const name of LAST) {
    const i = items.findIndex((item) => item.request && operationOf(item.request, operations)?.operationId === name);
    if (i >= 0) items.push(...items.splice(i, 1));
  }
  items.forEach((item, i) => {
    const key = `${trail}/${i}:${item.name}`;
    item.id = stableId(key);
    if (item.item) settle(item.item, key, operations);
    if (!item.request) return;
    const request = item.request;
    const op = operationOf(request, operations);
    if (!op) throw new Error(`No operation for ${request.method} /${request.url.path.join('/')}`);
    const plan = PLANS[op.operationId];
    if (!op.security?.length) request.auth = { type: 'noauth' };
    else if (op.security.some((s) => 'mirrorAdmin' in s)) request.auth = bearer('adminToken');
    else delete request.auth; // the collection's {{token}}
    for (const v of request.url.variable ?? []) {
      const variable = plan?.params?.[v.key] ?? PARAMETERS[v.key];
      if (!variable) throw new Error(`No variable for the path parameter ${v.key} of ${op.operationId}`);
      v.value = `{{${variable}}}`;
    }
    // Query parameters and the Idempotency-Key header are optional: listed with their type, off.
    for (const q of request.url.query ?? []) q.disabled = true;
    for (const h of request.header ?? []) if (h.key.toLowerCase() === 'idempotency-key') h.disabled = true;
    const content = op.requestBody?.content?.['application/json'];
    if (content) {
      const body = plan?.body ?? content.example ?? {};
      request.body = { mode: 'raw', raw: bodyText(body), options: { raw: { language: 'json' } } };
    }
    // Saved example responses are faked at random by the converter: the OpenAPI document has the real schemas and examples.
    item.response = [];
    item.event = [{ listen: 'test', script: { type: 'text/javascript', exec: testScript(op, plan) } }];
    // Free-form maps (order_for[field]) come out as a random number of key_N placeholders: left out.
    const url = request.url;
    if (url.query) url.query = url.query.filter((q) => !/(^|\[)key_\d+\]?$/.test(q.key));
  });
}

function operationOf(request: Request, operations: Map<string, Operation>) {
  return operations.get(`${request.method.toLowerCase()} /${request.url.path.join('/')}`);
}

export async function postmanCollection(document: object, baseUrl: string) {
  // Each operation's schemas read whole (a response's envelope, its examples), the named types inlined.
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- the app's own OpenAPI document (app.swagger()), typed as far as this file reads it
  const doc = dereferenced(document) as Doc;
  const collection = await convert(doc);
  const operations = new Map<string, Operation>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops))
      operations.set(`${method} ${path.replace(/\{([^}]+)\}/g, ':$1')}`, op);
  }
  settle(collection.item, '', operations);
  const info = collection.info;
  info._postman_id = stableId('ik-mirror');
  info.name = 'ik-mirror';
  collection.auth = bearer('token');
  collection.event = [{ listen: 'prerequest', script: { type: 'text/javascript', exec: SANDBOX_SCRIPT } }];
  collection.variable = [
    { key: 'baseUrl', value: baseUrl, type: 'string' },
    { key: 'token', value: '', type: 'string' },
    { key: 'adminToken', value: '', type: 'string' },
    { key: 'sandbox', value: '', type: 'string' },
  ];
  return collection;
}

export function postmanEnvironment(baseUrl: string) {
  return {
    id: stableId('ik-mirror-environment'),
    name: 'ik-mirror (local)',
    values: VARIABLES.map((v) => ({
      key: v.key,
      value: v.key === 'baseUrl' ? baseUrl : v.value,
      type: v.secret ? 'secret' : 'default',
      enabled: true,
    })),
    _postman_variable_scope: 'environment',
  };
}
