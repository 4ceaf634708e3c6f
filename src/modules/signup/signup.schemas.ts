import { Type } from 'typebox';
import { Id, StringEnum } from '../../shared/schemas.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../shared/password-policy.js';
import { AccountSchema, CURRENCIES } from '../accounts/index.js';
import { CreatedTokenSchema } from '../tokens/index.js';

export const SignupBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 255 }),
    password: Type.String({
      minLength: PASSWORD_MIN_LENGTH,
      maxLength: PASSWORD_MAX_LENGTH,
      description: 'At least 8 characters, letters and digits',
    }),
    first_name: Type.String({ minLength: 1, maxLength: 128 }),
    last_name: Type.String({ minLength: 1, maxLength: 128 }),
    locale: Type.String({ maxLength: 8, description: 'One of the locales of /1/languages, e.g. fr_FR' }),
    organisation_name: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'Default: "first_name last_name"' }),
    ),
    currency: Type.Optional(
      StringEnum(CURRENCIES, { default: 'CHF', description: 'The currency the new organisation is billed in' }),
    ),
  },
  { additionalProperties: false },
);

export const SignupUserSchema = Type.Object(
  {
    id: Id,
    email: Type.String(),
    first_name: Type.String(),
    last_name: Type.String(),
    display_name: Type.String(),
    locale: Type.String(),
    language_id: Id,
  },
  { $id: 'SignupUser', title: 'SignupUser' },
);

export const SignupResultSchema = Type.Object(
  { user: SignupUserSchema, account: AccountSchema, token: CreatedTokenSchema },
  { $id: 'SignupResult', title: 'SignupResult' },
);
