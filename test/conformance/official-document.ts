import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

// The official Infomaniak "Core resources" document (MIT), read whole, and a validator of live
// answers against the response schemas it declares.

/** Where the official document is, from the project root (the directory the tests run in): change it here only. */
export const OFFICIAL_DOCUMENT_PATH = join('reference', 'infomaniak-core-openapi.json');

export type Json = Record<string, unknown>;
export type OfficialDocument = Json & { paths: Record<string, Record<string, Json>> };

let loaded: OfficialDocument | undefined;

export function officialDocument(): OfficialDocument {
  loaded ??= JSON.parse(readFileSync(join(process.cwd(), OFFICIAL_DOCUMENT_PATH), 'utf8')) as OfficialDocument;
  return loaded;
}

// Operations of other products (kSuite, kDrive, mail, app stores): the fidelity comparison's
// list (reference/out-of-scope.json), so both count the same 49 operations.
const outOfScope = JSON.parse(readFileSync(join(process.cwd(), 'reference', 'out-of-scope.json'), 'utf8')) as {
  paths: string[];
};
const OUT_OF_SCOPE = outOfScope.paths.map((source) => new RegExp(source));
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export interface OfficialOperation {
  /** `GET /1/accounts/{account_id}`, as the document spells the path. */
  key: string;
  method: string;
  path: string;
  /** The response statuses the document declares, e.g. ['200', '401', '404']. */
  statuses: string[];
}

export function inScopeOperations(doc: OfficialDocument): OfficialOperation[] {
  return Object.entries(doc.paths)
    .filter(([path]) => !OUT_OF_SCOPE.some((re) => re.test(path)))
    .flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((m) => ({
        key: `${m.toUpperCase()} ${path}`,
        method: m.toUpperCase(),
        path,
        statuses: Object.keys((item[m] as { responses: Json }).responses),
      })),
    );
}

const escapeToken = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapeToken = (token: string) => token.replace(/~1/g, '/').replace(/~0/g, '~');

function at(doc: Json, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((node, token) => (node as Json | undefined)?.[unescapeToken(token)], doc);
}

/**
 * The JSON pointer of the schema of an operation's answer with `status`. A response object may
 * be a `$ref` to `components/responses`, which JSON Schema does not follow: it is followed here.
 */
export function responseSchemaPointer(doc: OfficialDocument, op: OfficialOperation, status: string): string {
  let pointer = `/paths/${escapeToken(op.path)}/${op.method.toLowerCase()}/responses/${status}`;
  for (let ref = (at(doc, pointer) as Json).$ref; typeof ref === 'string'; ref = (at(doc, pointer) as Json).$ref)
    pointer = ref.replace(/^#/, '');
  return `${pointer}/content/application~1json/schema`;
}

/** An error of the validator, with the place in the document of the schema that raised it. */
export interface LocatedError {
  /** JSON pointer in the document of the failing keyword, e.g. `/components/schemas/X/properties/y/type`. */
  schemaLocation: string;
  keyword: string;
  /** JSON pointer in the answer of the offending value. */
  instancePath: string;
  message: string;
  /** The keyword's details, e.g. `missingProperty` for `required`. */
  params: Record<string, unknown>;
  /** The schema holding the keyword, and the offending value. */
  parentSchema: Json;
  data: unknown;
}

/** Every object of the document mapped to its JSON pointer: ajv (verbose) hands back the very objects it compiled. */
function pointersOf(doc: Json): Map<object, string> {
  const pointers = new Map<object, string>();
  const walk = (node: unknown, pointer: string) => {
    if (!node || typeof node !== 'object') return;
    pointers.set(node, pointer);
    for (const [k, v] of Object.entries(node)) walk(v, `${pointer}/${escapeToken(k)}`);
  };
  walk(doc, '');
  return pointers;
}

/** Validates a value against the schema at a JSON pointer of the document (draft 2020-12, every error). */
export type SchemaValidator = (schemaPointer: string, value: unknown) => LocatedError[];

export function officialValidator(doc: OfficialDocument): SchemaValidator {
  // Not strict: the document carries OpenAPI's own keywords (example, nullable) and stray ones (`schema: []` beside `$ref`).
  const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
  addFormats.default(ajv);
  // The document's own formats: Unix times in seconds on integers (`timestamp`, `datetime`), and a `string` format that says nothing.
  const unixTime = { type: 'number' as const, validate: (n: number) => Number.isInteger(n) && n >= 0 };
  ajv.addFormat('timestamp', unixTime).addFormat('datetime', unixTime).addFormat('string', true);
  ajv.addSchema(doc, 'official');
  const pointers = pointersOf(doc);
  const compiled = new Map<string, ValidateFunction>();
  return (schemaPointer, value) => {
    let validate = compiled.get(schemaPointer);
    if (!validate) compiled.set(schemaPointer, (validate = ajv.compile({ $ref: `official#${schemaPointer}` })));
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e: ErrorObject) => ({
      schemaLocation: `${pointers.get(e.parentSchema as object) ?? '?'}/${e.keyword}`,
      keyword: e.keyword,
      instancePath: e.instancePath,
      message: e.message ?? '',
      params: e.params,
      parentSchema: e.parentSchema as Json,
      data: e.data,
    }));
  };
}
