import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principalOf } from '../../shared/principal.js';
import { notFound } from '../../shared/errors.js';
import { ok } from '../../shared/reply.js';
import { envelope, TrueEnvelope } from '../../shared/schemas.js';
import { defaultAvatarSvg } from './avatar-image.js';
import { avatarUrl } from './profile.presenter.js';
import { AvatarBody, AvatarParams, AvatarResult } from './profile.schemas.js';
import { profileService } from './profile.service.js';

const config = { auth: { scopes: ['user_info' as const] } };
const tags = ['Profile'];

export const avatarRoutes: FastifyPluginAsyncTypebox<{ publicUrl: () => string }> = async (app, { publicUrl }) => {
  const service = profileService(app.db);
  ownAvatarRoutes(app, service, publicUrl);
  avatarImageRoute(app, service);
};

type App = Parameters<FastifyPluginAsyncTypebox>[0];
type Service = ReturnType<typeof profileService>;

/** The caller's avatar: setting it, deleting it. */
function ownAvatarRoutes(app: App, service: Service, publicUrl: () => string) {
  app.post(
    '/2/profile/avatar',
    {
      config: { ...config, activity: { action: 'avatar_updated', target: { type: 'user' } } },
      schema: {
        operationId: 'setProfileAvatar',
        tags,
        summary: 'Add or replace the avatar (square PNG, JPEG or GIF, at least 16 px)',
        body: AvatarBody,
        response: { 200: envelope(AvatarResult) },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const version = await service.setAvatar(user.id, req.body.avatar);
      // With a version, the URL is the image's: never the null of a profile without one.
      const url = avatarUrl(publicUrl(), { id: user.id, avatar: version }, false);
      if (url === null) throw new Error('setAvatar: the avatar was set without a version');
      return ok({ avatar: url });
    },
  );

  app.delete(
    '/2/profile/avatar',
    {
      config: { ...config, activity: { action: 'avatar_deleted', target: { type: 'user' } } },
      schema: {
        operationId: 'deleteProfileAvatar',
        tags,
        summary: 'Delete the avatar',
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => ok(await service.deleteAvatar(principalOf(req).user.id)),
  );
}

function avatarImageRoute(app: App, service: Service) {
  // The image behind a profile's `avatar` URL: public like upstream's avatar links, and not an
  // API call, so outside the rate limit. The version in the name makes it cacheable forever.
  app.get(
    '/avatars/:user_id/:file',
    {
      config: { auth: 'public', rateLimit: false },
      schema: { hide: true, params: AvatarParams },
    },
    async (req, reply) => {
      const found = await service.avatarImage(req.params.user_id);
      if (!found) throw notFound('Avatar');
      if (req.params.file === 'default.svg') {
        return reply
          .type('image/svg+xml')
          .header('cache-control', 'public, max-age=3600')
          .send(defaultAvatarSvg(req.params.user_id, found.first_name, found.last_name));
      }
      if (!found.avatar_image || req.params.file !== `${found.avatar}.img`) throw notFound('Avatar');
      return reply
        .type(found.avatar_mime ?? 'application/octet-stream')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(found.avatar_image);
    },
  );
}
