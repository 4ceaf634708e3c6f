#!/usr/bin/env -S node --max-semi-space-size=8
import { parseArgs } from 'node:util';

// `npx ik-mirror [--port 3000] [--host 127.0.0.1] [--database postgres://…] [--data-dir ./data]
// [--admin-token …] [--seed demo] [--log-level info]`: the flags become the environment the
// server reads (flags win over the environment), then the server starts.

const HELP = `ik-mirror: a stateful mirror of the Infomaniak API

  --port N            port (PORT, default 3000; 0: any free port, printed)
  --host ADDR         address (HOST, default 127.0.0.1)
  --database URL      postgres://… (DATABASE_URL); without it, the embedded database in --data-dir
  --data-dir DIR      embedded database directory (DATA_DIR, default ./data)
  --admin-token T     turns the /_mirror control plane on (MIRROR_ADMIN_TOKEN, 16+ characters)
  --seed NAME         load a fixture at start, replacing the data (MIRROR_SEED: demo)
  --log-level LEVEL   fatal error warn info debug trace silent (LOG_LEVEL)
  --help              this text
`;

const FLAGS = {
  port: 'PORT',
  host: 'HOST',
  database: 'DATABASE_URL',
  'data-dir': 'DATA_DIR',
  'admin-token': 'MIRROR_ADMIN_TOKEN',
  seed: 'MIRROR_SEED',
  'log-level': 'LOG_LEVEL',
} as const;

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      ...Object.fromEntries(Object.keys(FLAGS).map((k) => [k, { type: 'string' as const }])),
      help: { type: 'boolean' },
    },
    strict: true,
  }));
} catch (err) {
  console.error(`${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
  process.exit(64);
}
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
for (const [flag, variable] of Object.entries(FLAGS)) {
  const v = values[flag];
  if (typeof v === 'string') process.env[variable] = v;
}
await import('./server.js');
