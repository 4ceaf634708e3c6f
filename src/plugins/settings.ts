import fp from 'fastify-plugin';
import { publicUrl, type Config } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    /** The address clients use, for links in responses (avatars, invitation URLs); with PORT 0, on the port the server got. */
    publicUrl: string;
  }
}

export default fp<{ config: Config }>(
  async function settings(app, { config }) {
    app.decorate('config', config);
    if (config.PUBLIC_URL !== undefined || config.PORT !== 0) {
      app.decorate('publicUrl', publicUrl(config));
      return;
    }
    // PORT 0: the port is known once the server listens, and kept from then on (asking the
    // socket is a system call, and profiles and members ask on every request).
    let listening: string | undefined;
    app.decorate('publicUrl', {
      getter() {
        if (listening) return listening;
        const address = app.server.address();
        const port = typeof address === 'object' && address ? address.port : undefined;
        if (port === undefined) return publicUrl(config);
        return (listening = publicUrl(config, port));
      },
    });
  },
  { name: 'settings' },
);
