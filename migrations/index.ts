import type { Migration } from 'kysely';
import * as foundation from './2026112501_foundation.js';
import * as billing from './2026112504_billing.js';
import * as supportPremium from './2026112506_support_premium.js';
import * as billingIndexes from './2026112507_billing_indexes.js';
import * as autoRenewal from './2026112508_auto_renewal.js';
import * as oauth from './2026112509_oauth.js';
import * as activitySupport from './2026112510_activity_support.js';
import * as clockFloor from './2026112511_clock_floor.js';
import * as renewalPeriods from './2026112512_renewal_periods.js';
import * as organisations from './2026112502_organisations.js';
import * as invitationKey from './2026112503_invitation_key.js';
import * as teams from './2026112503_teams.js';
import * as priceList from './2026112505_price_list.js';
import * as accountTotals from './2026120301_account_totals.js';
import * as events from './2026120401_events.js';
import * as phoneReminder from './2026120501_phone_reminder.js';
import * as clockPlpgsql from './2026120601_clock_plpgsql.js';
import * as productTagsByTag from './2026120602_product_tags_by_tag.js';

// Listed statically (not read from the folder) so the same list serves the compiled server
// and the TypeScript test run. Append new migrations; never edit one that has shipped.
export const migrations: Record<string, Migration> = {
  '2026112501_foundation': foundation,
  '2026112502_organisations': organisations,
  '2026112503_invitation_key': invitationKey,
  '2026112503_teams': teams,
  '2026112504_billing': billing,
  '2026112505_price_list': priceList,
  '2026112506_support_premium': supportPremium,
  '2026112507_billing_indexes': billingIndexes,
  '2026112508_auto_renewal': autoRenewal,
  '2026112509_oauth': oauth,
  '2026112510_activity_support': activitySupport,
  '2026112511_clock_floor': clockFloor,
  '2026112512_renewal_periods': renewalPeriods,
  '2026120301_account_totals': accountTotals,
  '2026120401_events': events,
  '2026120501_phone_reminder': phoneReminder,
  '2026120601_clock_plpgsql': clockPlpgsql,
  '2026120602_product_tags_by_tag': productTagsByTag,
};
