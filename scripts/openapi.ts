import { readFileSync, writeFileSync } from 'node:fs';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { postmanCollection, postmanEnvironment } from '../src/modules/postman/index.js';

// `npm run openapi`: writes openapi/openapi.json from the routes' schemas, and the Postman
// collection and environment made from it. The server URL is fixed so the committed files do
// not depend on who generated them. `--check` only compares.
const check = process.argv.includes('--check');
const BASE_URL = 'http://127.0.0.1:3000';
const config = { ...loadConfig({}), PUBLIC_URL: BASE_URL };
// An in-memory database, migrated: the app reads its clock at start.
const database = openDatabase({});
await migrateToLatest(database.db);
const app = await buildApp({ config, database });
await app.ready();
const spec = app.swagger();
await app.close();
await database.close();

const files: Record<string, unknown> = {
  'openapi/openapi.json': spec,
  'openapi/postman_collection.json': await postmanCollection(spec, BASE_URL),
  'openapi/postman_environment.json': postmanEnvironment(BASE_URL),
};

let stale = false;
for (const [target, content] of Object.entries(files)) {
  const text = `${JSON.stringify(content, null, 2)}\n`;
  if (!check) {
    writeFileSync(target, text);
    console.log(`wrote ${target}`);
    continue;
  }
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // a missing file is as stale as a different one
  }
  if (current !== text) {
    console.error(`${target} is stale: run npm run openapi and commit the result`);
    stale = true;
  } else console.log(`${target} is up to date`);
}
if (stale) process.exit(1);
