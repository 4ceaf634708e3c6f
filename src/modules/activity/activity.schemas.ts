import { Type, type Static } from 'typebox';
import { ListQuery } from '../../shared/pagination.js';
import { Id, Nullable, Timestamp, TimeFilter } from '../../shared/schemas.js';

export const AccountParams = Type.Object({ account: Id });

export const ActivitySchema = Type.Object(
  {
    id: Id,
    action: Type.String({ description: 'An action code of GET /1/actions' }),
    user_id: Nullable(Type.Integer({ description: 'Who did it; null when the mirror did (the renewal run)' })),
    user_email: Nullable(Type.String()),
    account_id: Nullable(Type.Integer()),
    target_type: Nullable(Type.String()),
    target_id: Nullable(Type.Integer()),
    product_id: Nullable(Type.Integer()),
    ip: Nullable(Type.String()),
    user_agent: Nullable(Type.String()),
    created_at: Timestamp,
  },
  {
    $id: 'Activity',
    title: 'Activity',
    examples: [
      {
        id: 41,
        action: 'team_created',
        user_id: 1,
        user_email: 'alice@example.test',
        account_id: 1,
        target_type: 'team',
        target_id: 3,
        product_id: null,
        ip: '203.0.113.7',
        user_agent: 'curl/8.5.0',
        created_at: 1795659275,
      },
    ],
  },
);

const Range = {
  action: Type.Optional(Type.String({ maxLength: 64, description: 'An action code' })),
  from: Type.Optional(TimeFilter('At or after (Unix seconds)')),
  to: Type.Optional(TimeFilter('At or before (Unix seconds)')),
};

export const ProfileLogsQuery = Type.Object({ ...Range, ...ListQuery });
export type ProfileLogsQueryInput = Static<typeof ProfileLogsQuery>;

const AccountFilters = {
  ...Range,
  user_id: Type.Optional(Id),
  product_id: Type.Optional(Id),
};
export const AccountLogsQuery = Type.Object({
  filter: Type.Optional(Type.Object(AccountFilters, { additionalProperties: false })),
  ...AccountFilters,
  search: Type.Optional(
    Type.String({ maxLength: 255, description: "Part of the action code, the target type or the actor's e-mail" }),
  ),
  ...ListQuery,
});
export type AccountLogsQueryInput = Static<typeof AccountLogsQuery>;
