import fp from 'fastify-plugin';
import { publicUrl, type Config } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    /** The address clients use, for links in responses (avatars, invitation URLs). */
    publicUrl: string;
  }
}

export default fp<{ config: Config }>(
  async function settings(app, { config }) {
    app.decorate('config', config);
    app.decorate('publicUrl', publicUrl(config));
  },
  { name: 'settings' },
);
