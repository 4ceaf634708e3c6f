// The notifications outbox: what the mirror would have mailed (invitations, renewals,
// security notices). Modules queue into it with `outbox(trx).notify`, in their own transaction; the
// control plane lists it. No routes of its own.
export {
  outbox,
  OUTBOX_SORTABLE,
  type Notification,
  type OutboxFilters,
  type OutboxSortField,
} from './outbox.repository.js';
