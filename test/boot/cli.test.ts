import t from 'tap';
import { startChild } from './child.js';

// `npx ik-mirror`: its flags become the server's settings. The flags that start a server
// (--port 0, --data-dir, --admin-token, --seed, --log-level) are tested in server.test.ts,
// on the data directory its first start made; here, what the CLI answers by itself.

t.test('--help lists the flags; an unknown flag is refused with the help', async (t) => {
  const help = startChild(t, 'cli', { args: ['--help'] });
  const bad = startChild(t, 'cli', { args: ['--colour', 'blue'] });
  t.equal(await help.exited, 0);
  for (const flag of ['--port', '--host', '--database', '--data-dir', '--admin-token', '--seed', '--log-level'])
    t.match(help.output(), flag);
  t.match(help.output(), /--port N +port \(PORT, default 3000; 0: any free port, printed\)/);
  t.equal(await bad.exited, 64);
  t.match(bad.output(), /--colour/);
  t.match(bad.output(), /--admin-token/, 'the help follows');
});
