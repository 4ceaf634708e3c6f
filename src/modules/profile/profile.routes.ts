import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principalOf } from '../../shared/principal.js';
import { ok } from '../../shared/reply.js';
import { envelope } from '../../shared/schemas.js';
import { parseWith } from '../../shared/with.js';
import { profileChangeAction } from './profile.activity.js';
import { avatarUrl, presentProfile, presentProfileV1 } from './profile.presenter.js';
import { DryRunQuery, PatchProfileBody, ProfileQuery, ProfileSchema, ProfileV1Schema } from './profile.schemas.js';
import { profileService, type ProfileRelation } from './profile.service.js';

const config = { auth: { scopes: ['user_info' as const] } };
const tags = ['Profile'];
const RELATIONS: readonly ProfileRelation[] = ['emails', 'phones', 'security'];
const wantsDefault = (flag?: string) => flag !== '1' && flag !== 'true';

export const profileRoutes: FastifyPluginAsyncTypebox<{ publicUrl: () => string }> = async (app, { publicUrl }) => {
  const service = profileService(app.db);
  currentProfileRoutes(app, service, publicUrl);
  profileV1Route(app, publicUrl);
};

type App = Parameters<FastifyPluginAsyncTypebox>[0];
type Service = ReturnType<typeof profileService>;

/** The caller's profile: reading it, changing it. */
function currentProfileRoutes(app: App, service: Service, publicUrl: () => string) {
  app.get(
    '/2/profile',
    {
      config,
      schema: {
        operationId: 'getProfile',
        tags,
        summary: "The current user's profile",
        querystring: ProfileQuery,
        response: { 200: envelope(ProfileSchema) },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const wanted = parseWith(req.query.with, RELATIONS);
      const related = wanted.size ? await service.related(user, wanted) : {};
      return ok(presentProfile(user, avatarUrl(publicUrl(), user, wantsDefault(req.query.no_avatar_default)), related));
    },
  );

  app.patch(
    '/2/profile',
    {
      config: { ...config, activity: { action: profileChangeAction, target: { type: 'user' } } },
      schema: {
        operationId: 'updateProfile',
        tags,
        summary: 'Update the profile: names, email, language, country, timezone, password',
        querystring: DryRunQuery,
        body: PatchProfileBody,
        response: { 200: envelope(ProfileSchema) },
      },
    },
    async (req) => {
      const user = await service.update(principalOf(req).user.id, req.body, req.query.dry_run === true);
      return ok(presentProfile(user, avatarUrl(publicUrl(), user, true)));
    },
  );
}

/** The caller's profile with the v1 field names. */
function profileV1Route(app: App, publicUrl: () => string) {
  app.get(
    '/1/profile',
    {
      config,
      schema: {
        operationId: 'getProfileV1',
        tags,
        summary: "The current user's profile (v1 field names)",
        querystring: ProfileQuery,
        response: { 200: envelope(ProfileV1Schema) },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      return ok(presentProfileV1(user, avatarUrl(publicUrl(), user, wantsDefault(req.query.no_avatar_default))));
    },
  );
}
