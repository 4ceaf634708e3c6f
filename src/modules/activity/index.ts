// The activity log. Other modules write their lines with `recordActivity`.
export { recordActivity, type ActivityEntry } from './record.js';
