import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, publicUrl } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { bootstrapFirstAdmin } from './modules/bootstrap/bootstrap.js';

// The process: configuration, database, first-start administrator, listening, and a
// graceful close on SIGTERM/SIGINT (in-flight requests finish, then the pool closes).
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const database = openDatabase({ url: config.DATABASE_URL, dataDir: config.DATABASE_URL ? undefined : config.DATA_DIR });
  await migrateToLatest(database.db);
  const admin = await bootstrapFirstAdmin(database.db);

  const app = await buildApp({ config, database, logger: { level: config.LOG_LEVEL } });
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an error');
    else app.log.info({ signal }, 'closing');
    await app.close();
    await database.close();
  });
  await app.listen({ port: config.PORT, host: config.HOST });

  if (admin) {
    // Printed once, on the first start of an empty database; nothing else ever shows them.
    process.stdout.write(
      [
        'First start: an administrator, their organisation and an API token were created.',
        `email: ${admin.email}`,
        `password: ${admin.password}`,
        `token: ${admin.token}`,
        `Try: curl -H "Authorization: Bearer ${admin.token}" ${publicUrl(config)}/2/profile`,
        '',
      ].join('\n'),
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
