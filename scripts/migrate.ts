import { ConfigError, loadConfig } from '../src/config.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { openMainDatabase } from '../src/db/open-main.js';

// `npm run migrate`: the schema to the latest migration, on DATABASE_URL or the embedded one.
// On the embedded database it takes DATA_DIR as the server does: while a server holds it, it
// waits DATA_DIR_LOCK_WAIT_SECONDS, then exits 75 naming the holder.
let config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(78);
}
const database = await openMainDatabase(config);
try {
  const applied = await migrateToLatest(database.db);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
} finally {
  await database.close();
}
