import type { Migration } from 'kysely/migration';
import * as foundation from './2026112501_foundation.js';
import * as organisations from './2026112502_organisations.js';

// Listed statically (not read from the folder) so the same list serves the compiled server
// and the TypeScript test run. Append new migrations; never edit one that has shipped.
export const migrations: Record<string, Migration> = {
  '2026112501_foundation': foundation,
  '2026112502_organisations': organisations,
};
