import { Type } from 'typebox';
import { Id, Nullable, StringEnum, Timestamp } from '../../shared/schemas.js';

export const SUPPORT_KINDS = ['mail', 'kdrive', 'kchat'] as const;
/** A grant closes by itself this long after it was given. */
export const GRANT_SECONDS = 7 * 86_400;

export const KindParams = Type.Object({ kind: StringEnum(SUPPORT_KINDS) });

export const SupportAccessSchema = Type.Object(
  {
    kind: StringEnum(SUPPORT_KINDS),
    status: StringEnum(['open', 'closed', 'never'], {
      description: 'open: support may access it now; closed: a grant ended; never: none given',
    }),
    granted_at: Nullable(Timestamp),
    expires_at: Nullable(
      Type.Integer({ description: 'When an open grant closes by itself (7 days after it was given)' }),
    ),
    closed_at: Nullable(Timestamp),
    closed_reason: Nullable(StringEnum(['revoked', 'expired'])),
  },
  { $id: 'SupportAccess', title: 'SupportAccess' },
);

const OPEN = {
  kind: 'mail',
  status: 'open',
  granted_at: 1795659275,
  expires_at: 1796264075,
  closed_at: null,
  closed_reason: null,
};
export const SupportAccessListSchema = Type.Object(
  {
    support_code: Type.String({ description: 'What to tell support so they find you' }),
    access: Type.Array(SupportAccessSchema),
  },
  {
    $id: 'SupportAccessList',
    title: 'SupportAccessList',
    examples: [
      {
        support_code: 'K7QX-42MD',
        access: [
          OPEN,
          {
            kind: 'kdrive',
            status: 'closed',
            granted_at: 1794000000,
            expires_at: 1794604800,
            closed_at: 1794100000,
            closed_reason: 'revoked',
          },
          { kind: 'kchat', status: 'never', granted_at: null, expires_at: null, closed_at: null, closed_reason: null },
        ],
      },
    ],
  },
);
export const OneAccessSchema = Type.Object(
  { ...SupportAccessSchema.properties },
  { $id: 'SupportAccessState', title: 'SupportAccessState', examples: [OPEN] },
);

export const StaffGrantSchema = Type.Object(
  {
    id: Id,
    user_id: Id,
    support_code: Type.String(),
    kind: StringEnum(SUPPORT_KINDS),
    granted_at: Timestamp,
    expires_at: Timestamp,
  },
  {
    $id: 'OpenSupportGrant',
    title: 'OpenSupportGrant',
    examples: [
      { id: 9, user_id: 12, support_code: 'K7QX-42MD', kind: 'mail', granted_at: 1795659275, expires_at: 1796264075 },
    ],
  },
);
export const StaffQuery = Type.Object({
  support_code: Type.Optional(Type.String({ maxLength: 16 })),
  kind: Type.Optional(StringEnum(SUPPORT_KINDS)),
});
