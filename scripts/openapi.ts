import { readFileSync, writeFileSync } from 'node:fs';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';

// `npm run openapi`: writes openapi/openapi.json from the routes' schemas. The server URL is
// fixed so the committed file does not depend on who generated it. `--check` only compares.
const check = process.argv.includes('--check');
const target = 'openapi/openapi.json';
const config = { ...loadConfig({}), PUBLIC_URL: 'http://127.0.0.1:3000' };
// An in-memory database, migrated: the app reads its clock at start.
const database = openDatabase({});
await migrateToLatest(database.db);
const app = await buildApp({ config, database });
await app.ready();
const doc = `${JSON.stringify(app.swagger(), null, 2)}\n`;
await app.close();
await database.close();

if (check) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // a missing file is as stale as a different one
  }
  if (current !== doc) {
    console.error(`${target} is stale: run npm run openapi and commit the result`);
    process.exit(1);
  }
  console.log(`${target} is up to date`);
} else {
  writeFileSync(target, doc);
  console.log(`wrote ${target}`);
}
