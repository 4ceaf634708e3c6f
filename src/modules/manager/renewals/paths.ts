import { organisationPath } from '../organisation-nav.js';

// The addresses of the auto-renewal pages.

export const renewalsPath = (accountId: number) => `${organisationPath(accountId)}/accounting/renewals`;
export const managePath = (accountId: number) => `${renewalsPath(accountId)}/manage`;
