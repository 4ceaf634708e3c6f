import { buildClientApp } from './app.js';

// Runs the example: `npx tsx examples/oauth-client/server.ts` (see README.md for the setup).

const { IK_MIRROR_URL, CLIENT_ID, CLIENT_SECRET } = process.env;
if (!IK_MIRROR_URL || !CLIENT_ID || !CLIENT_SECRET) {
  console.error('Set IK_MIRROR_URL, CLIENT_ID and CLIENT_SECRET (and optionally PORT, default 4000).');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 4000);
// 127.0.0.1 rather than localhost: the redirect URI is registered with this exact host.
const baseUrl = `http://127.0.0.1:${port}`;

const app = await buildClientApp({ issuer: IK_MIRROR_URL, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl });
await app.listen({ host: '127.0.0.1', port });
console.log(`Example app on ${baseUrl}: open it and sign in with ik-mirror`);
