import { Type, type TSchema } from 'typebox';
import { ERROR_STATUS } from './errors.js';

// Building blocks shared by every module's schemas: the envelope, errors, ids, pagination.

export const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });
export const Timestamp = Type.Integer({ description: 'Unix timestamp in seconds' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const FieldErrorSchema = Type.Object({
  code: Type.String(),
  description: Type.String(),
  context: Type.Object({ attribute: Type.String(), values: Type.Optional(Type.Array(Type.Unknown())) }),
});

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
  { title: 'ErrorResponse' },
);

export const envelope = <T extends TSchema>(data: T) =>
  Type.Object({ result: Type.Literal('success'), data });

export const PaginatedFields = {
  total: Type.Integer(),
  page: Type.Integer(),
  pages: Type.Integer(),
  items_per_page: Type.Integer(),
};

/** A list: `data` is the items, or the count alone when the client asked `return=total`. */
export const listEnvelope = <T extends TSchema>(item: T) =>
  Type.Object({
    result: Type.Literal('success'),
    data: Type.Union([Type.Array(item), Type.Integer()]),
    total: Type.Optional(Type.Integer()),
    page: Type.Optional(Type.Integer()),
    pages: Type.Optional(Type.Integer()),
    items_per_page: Type.Optional(Type.Integer()),
  });

export const TrueEnvelope = envelope(Type.Boolean());

const STATUS_CODES = new Set(Object.values(ERROR_STATUS));
/** Error responses for the OpenAPI document; every listed status shares the one envelope. */
export function errorResponses(statuses: number[]): Record<number, typeof ErrorEnvelope> {
  const out: Record<number, typeof ErrorEnvelope> = {};
  for (const s of statuses) if (STATUS_CODES.has(s as never)) out[s] = ErrorEnvelope;
  return out;
}
