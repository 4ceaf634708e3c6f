import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { referenceRoutes } from './reference.routes.js';
import { tasksRoutes } from './tasks.routes.js';

/** The reference catalogues (languages, countries, time zones, actions) and the caller's asynchronous tasks. */
export const referenceModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(referenceRoutes);
  await app.register(tasksRoutes);
};

export {
  actions,
  countries,
  findLanguageByLocale,
  findTimezoneByName,
  languages,
  LOCALES,
  timezones,
} from './catalogues.js';
export type { Language } from './data/languages.js';
export { planTask, type TaskPlan } from './tasks.service.js';
export { CountrySchema, LanguageSchema, TaskSchema, TimezoneSchema } from './reference.schemas.js';
