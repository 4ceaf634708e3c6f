import { Type } from 'typebox';
import { Id, Nullable, Timestamp, StringEnum } from '../../shared/schemas.js';
import { SCOPES } from '../../shared/scopes.js';

export const ScopeSchema = StringEnum([...SCOPES]);

export const TokenSchema = Type.Object(
  {
    id: Id,
    name: Type.String(),
    scopes: Type.Array(Type.String()),
    created_at: Timestamp,
    expired_at: Nullable(Timestamp),
    last_used_at: Nullable(Timestamp),
  },
  { $id: 'ApiToken', title: 'ApiToken' },
);

/** Only the creation response carries the secret. */
export const CreatedTokenSchema = Type.Object(
  { ...TokenSchema.properties, token: Type.String({ description: 'The secret; shown this once only' }) },
  { $id: 'CreatedApiToken', title: 'CreatedApiToken' },
);

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    scopes: Type.Array(ScopeSchema, { minItems: 1, uniqueItems: true }),
    expired_at: Type.Optional(Nullable(Timestamp)),
  },
  { additionalProperties: false },
);

export const TokenParams = Type.Object({ token_id: Id });
