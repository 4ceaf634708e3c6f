import { Type, type Static } from 'typebox';
import { Id, Nullable, Timestamp } from '../../shared/schemas.js';

export const PasswordParams = Type.Object({ password_id: Id });

export const AppPasswordSchema = Type.Object(
  { id: Id, name: Type.String(), last_used_at: Nullable(Timestamp), created_at: Timestamp },
  {
    $id: 'partialUserapplicationpassword',
    title: 'ApplicationPassword',
    examples: [{ id: 3, name: 'Thunderbird on my laptop', last_used_at: 1795659400, created_at: 1795000000 }],
  },
);

export const CreatedAppPasswordSchema = Type.Object(
  {
    ...AppPasswordSchema.properties,
    password: Type.String({
      description: 'The password, shown this once; use it with your e-mail address (OAuth password grant)',
    }),
  },
  {
    $id: 'Userapplicationpassword',
    title: 'CreatedApplicationPassword',
    examples: [
      { id: 4, name: 'Backup script', last_used_at: null, created_at: 1795659275, password: 'kq7d-4mzp-x9tr-2hbw' },
    ],
  },
);

/** The name of a password created without one: the official document declares no request body. */
export const DEFAULT_APP_PASSWORD_NAME = 'Application password';

export const CreateAppPasswordBody = Type.Object(
  {
    name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        description: `What the password is for, to recognise it later (default: "${DEFAULT_APP_PASSWORD_NAME}")`,
      }),
    ),
  },
  { additionalProperties: false, examples: [{ name: 'Backup script' }] },
);
export type CreateAppPasswordInput = Static<typeof CreateAppPasswordBody>;
