import { Type, type Static, type TSchema, type TUnsafe } from 'typebox';
import { ERROR_STATUS } from './errors.js';

// Building blocks shared by every module's schemas: the envelope, errors, ids, pagination.

export const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });
export const Timestamp = Type.Integer({ description: 'Unix timestamp in seconds' });
/** 9999-12-31T23:59:59Z: a time a client names stays one a JS Date and a Postgres timestamp both hold. */
export const MAX_UNIX_SECONDS = 253_402_300_799;
/** A time a client filters a list by (Unix seconds). */
export const TimeFilter = (description: string) => Type.Integer({ minimum: 0, maximum: MAX_UNIX_SECONDS, description });
/**
 * `T | null` written as `type: [T, "null"]` where T is a plain type, so documentation tools
 * (and the fidelity check) read the field's type rather than a bare anyOf.
 */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  if ('type' in schema && typeof schema.type === 'string') {
    const nullable: Record<string, unknown> = {};
    Object.assign(nullable, schema);
    // Another type than the one named (an `$id` names a component of the OpenAPI document).
    delete nullable.$id;
    nullable.type = [schema.type, 'null'];
    if ('enum' in schema && Array.isArray(schema.enum)) {
      const values: unknown[] = schema.enum;
      nullable.enum = [...values, null];
    }
    return Type.Unsafe<Static<T> | null>(nullable);
  }
  return Type.Unsafe<Static<T> | null>(Type.Union([Type.Null(), schema]));
}

/** A string enum that says it is a string (TypeBox's Enum leaves `type` out). */
export const StringEnum = <const V extends readonly string[]>(values: V, options: Record<string, unknown> = {}) =>
  Type.Unsafe<V[number]>({ type: 'string', enum: [...values], ...options });

export const FieldErrorSchema = Type.Object(
  {
    code: Type.String(),
    description: Type.String(),
    context: Type.Object({ attribute: Type.String(), values: Type.Optional(Type.Array(Type.Unknown())) }),
  },
  { $id: 'FieldError' },
);

export const ErrorEnvelope = Type.Object(
  {
    result: Type.Literal('error'),
    error: Type.Object({
      code: Type.String(),
      description: Type.String(),
      context: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      errors: Type.Optional(Type.Array(FieldErrorSchema)),
    }),
  },
  { $id: 'ErrorResponse', title: 'ErrorResponse' },
);

/** The `examples` a schema declares (documentation only; the envelopes lift them to the response). */
const examplesOf = (schema: TSchema): unknown[] | undefined => {
  const ex = 'examples' in schema ? schema.examples : undefined;
  return Array.isArray(ex) && ex.length ? ex : undefined;
};

/** `{result: "success", data}`; when `data` declares examples, the response shows them enveloped. */
export const envelope = <T extends TSchema>(data: T) => {
  const examples = examplesOf(data);
  return Type.Object(
    { result: Type.Literal('success'), data },
    examples ? { examples: examples.map((ex) => ({ result: 'success', data: ex })) } : {},
  );
};

export const PaginatedFields = {
  total: Type.Integer(),
  page: Type.Integer(),
  pages: Type.Integer(),
  items_per_page: Type.Integer(),
};

/**
 * A list: `data` is the items, or the count alone when the client asked `return=total`. When
 * the item declares examples, the response shows them as one page.
 */
export const listEnvelope = <T extends TSchema>(item: T) => {
  const items = examplesOf(item);
  const page = items && {
    result: 'success',
    data: items,
    total: items.length,
    page: 1,
    pages: 1,
    items_per_page: items.length,
  };
  return Type.Object(
    {
      result: Type.Literal('success'),
      // The count comes first so that documentation tools read `data` as the array.
      data: Type.Union([Type.Integer(), Type.Array(item)]),
      total: Type.Optional(Type.Integer()),
      page: Type.Optional(Type.Integer()),
      pages: Type.Optional(Type.Integer()),
      items_per_page: Type.Optional(Type.Integer()),
    },
    page ? { examples: [page] } : {},
  );
};

export const TrueEnvelope = envelope(Type.Boolean({ examples: [true] }));

const STATUS_CODES: ReadonlySet<number> = new Set(Object.values(ERROR_STATUS));
/** Error responses for the OpenAPI document; every listed status shares the one envelope. */
export function errorResponses(statuses: number[]): Record<number, typeof ErrorEnvelope> {
  const out: Record<number, typeof ErrorEnvelope> = {};
  for (const s of statuses) if (STATUS_CODES.has(s)) out[s] = ErrorEnvelope;
  return out;
}
