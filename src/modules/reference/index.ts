import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { referenceRoutes } from './reference.routes.js';
import { tasksRoutes } from './tasks.routes.js';

export const referenceModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(referenceRoutes);
  await app.register(tasksRoutes);
};

// The catalogues and their schemas, for the profile (its language, country and timezone).
export { countries, findLanguageByLocale, findTimezoneByName, languages, LOCALES, timezones } from './catalogues.js';
export { CountrySchema, LanguageSchema, TimezoneSchema } from './reference.schemas.js';
