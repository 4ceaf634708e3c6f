import type { Db } from '../../db/database.js';
import { requireMember } from '../accounts/index.js';
import { listParams, type Sort } from '../../shared/pagination.js';
import { activityLog, LOG_SORTABLE, type LogSortField } from './activity.repository.js';
import type { AccountLogsQueryInput, ProfileLogsQueryInput } from './activity.schemas.js';

// Reading the activity log: one's own (every organisation and the profile), or an
// organisation's (owners and administrators only).

const newestFirst: Sort<LogSortField>[] = [{ field: 'id', dir: 'desc' }];

export function activityService(db: Db) {
  return {
    /** What the user did, anywhere. */
    async ofUser(userId: number, q: ProfileLogsQueryInput) {
      const params = listParams(q, LOG_SORTABLE, newestFirst);
      return { ...(await activityLog(db).list({ ...q, user_id: userId }, params)), params };
    },

    /** What happened in the organisation; its filters come flat or under filter[…]. */
    async ofAccount(userId: number, accountId: number, q: AccountLogsQueryInput) {
      await requireMember(db, accountId, userId, 'admin', 'read the activity log');
      const params = listParams(q, LOG_SORTABLE, newestFirst);
      return { ...(await activityLog(db).list({ ...q, ...q.filter, account_id: accountId }, params)), params };
    },
  };
}
