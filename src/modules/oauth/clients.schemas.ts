import { Type, type Static } from 'typebox';
import { ListQuery } from '../../shared/pagination.js';
import { Nullable, StringEnum, Timestamp } from '../../shared/schemas.js';

export const CLIENT_TYPES = ['public', 'confidential'] as const;
export const MAX_REDIRECT_URIS = 10;

export const ClientParams = Type.Object({ client_id: Type.String({ minLength: 1, maxLength: 64 }) });

export const ClientSchema = Type.Object(
  {
    client_id: Type.String(),
    name: Type.String(),
    type: StringEnum(CLIENT_TYPES, {
      description: 'public: no secret (browser and native apps, PKCE only); confidential: a secret',
    }),
    redirect_uris: Type.Array(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  {
    $id: 'OAuthClient',
    title: 'OAuthClient',
    examples: [
      {
        client_id: 'ikmc_5Jc2q8kVwTtb1N0Q',
        name: 'My dashboard',
        type: 'confidential',
        redirect_uris: ['https://dashboard.example.test/callback'],
        created_at: 1795659275,
        updated_at: 1795659275,
      },
    ],
  },
);

export const CreatedClientSchema = Type.Object(
  {
    ...ClientSchema.properties,
    client_secret: Nullable(
      Type.String({ description: 'Confidential clients: the secret, shown this once (only its hash is kept)' }),
    ),
  },
  {
    $id: 'CreatedOAuthClient',
    title: 'CreatedOAuthClient',
    examples: [
      {
        client_id: 'ikmc_5Jc2q8kVwTtb1N0Q',
        name: 'My dashboard',
        type: 'confidential',
        redirect_uris: ['https://dashboard.example.test/callback'],
        created_at: 1795659275,
        updated_at: 1795659275,
        client_secret: 'ikms_kR1X0f6n2m9QeZpV4t8yWc3uLhJ5aBdG7sN1oE2iY0w',
      },
    ],
  },
);

const RedirectUris = Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), {
  minItems: 1,
  maxItems: MAX_REDIRECT_URIS,
  description:
    "Exact URIs the authorization server may send codes to: https, http on a loopback host, or an app's private scheme",
});

export const CreateClientBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    redirect_uris: RedirectUris,
    type: StringEnum(CLIENT_TYPES),
  },
  {
    additionalProperties: false,
    examples: [
      { name: 'My dashboard', type: 'confidential', redirect_uris: ['https://dashboard.example.test/callback'] },
    ],
  },
);
export type CreateClientInput = Static<typeof CreateClientBody>;

export const UpdateClientBody = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })), redirect_uris: Type.Optional(RedirectUris) },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ redirect_uris: ['https://dashboard.example.test/callback', 'http://127.0.0.1:8080/callback'] }],
  },
);
export type UpdateClientInput = Static<typeof UpdateClientBody>;

export const ClientsQuery = Type.Object({ ...ListQuery });
export type ClientsQueryInput = Static<typeof ClientsQuery>;
