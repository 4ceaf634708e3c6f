import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { contains, listInMemory, listParams } from '../../shared/pagination.js';
import { ok } from '../../shared/reply.js';
import { envelope, listEnvelope } from '../../shared/schemas.js';
import { actions, countries, languages, timezones } from './catalogues.js';
import { keptAnswers } from './kept-answers.js';
import * as S from './reference.schemas.js';

// Reference catalogues: any valid token may read them (upstream declares no scope).
const config = { auth: { scopes: [] } };
const byId = [{ field: 'id', dir: 'asc' as const }];
const languageAnswers = keptAnswers();
const countryAnswers = keptAnswers();
const timezoneAnswers = keptAnswers();
const actionAnswers = keptAnswers();

export const referenceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  pingRoute(app);
  languageRoutes(app);
  countryRoutes(app);
  timezoneRoutes(app);
  actionRoutes(app);
};

type App = Parameters<FastifyPluginAsyncTypebox>[0];

/** Whether the token is accepted. */
function pingRoute(app: App) {
  app.get(
    '/1/ping',
    {
      config,
      schema: {
        operationId: 'ping',
        tags: ['Ping'],
        summary: 'Check that the token is accepted',
        response: { 200: envelope(S.PingSchema) },
      },
    },
    async () => ok('pong' as const),
  );
}

/** The languages: the list, one. */
function languageRoutes(app: App) {
  app.get(
    '/1/languages',
    {
      config,
      schema: {
        operationId: 'listLanguages',
        tags: ['Languages'],
        summary: 'List languages',
        querystring: S.PlainListQuery,
        response: { 200: listEnvelope(S.LanguageSchema) },
      },
    },
    (req, reply) =>
      languageAnswers(req, reply, () =>
        listInMemory(languages.all, listParams(req.query, ['id', 'name', 'short_name', 'locale'], byId)),
      ),
  );

  app.get(
    '/1/languages/:language_id',
    {
      config,
      schema: {
        operationId: 'getLanguage',
        tags: ['Languages'],
        summary: 'Display a language',
        params: S.LanguageParams,
        response: { 200: envelope(S.LanguageSchema) },
      },
    },
    async (req) => ok(languages.get(req.params.language_id)),
  );
}

/** The countries: the list, one. */
function countryRoutes(app: App) {
  app.get(
    '/1/countries',
    {
      config,
      schema: {
        operationId: 'listCountries',
        tags: ['Countries'],
        summary: 'List countries',
        querystring: S.CountriesQuery,
        response: { 200: listEnvelope(S.CountrySchema) },
      },
    },
    (req, reply) =>
      countryAnswers(req, reply, () => {
        const { search, only_enabled, only_enabled_exception = [] } = req.query;
        return listInMemory(
          countries.all,
          listParams(req.query, ['id', 'name', 'short_name'], byId),
          (c) =>
            (!search || contains(c.name, search) || contains(c.short_name, search)) &&
            (!only_enabled || c.is_enabled || only_enabled_exception.includes(c.id)),
        );
      }),
  );

  app.get(
    '/1/countries/:country_id',
    {
      config,
      schema: {
        operationId: 'getCountry',
        tags: ['Countries'],
        summary: 'Display a country',
        params: S.CountryParams,
        response: { 200: envelope(S.CountrySchema) },
      },
    },
    async (req) => ok(countries.get(req.params.country_id)),
  );
}

/** The timezones: the list, one. */
function timezoneRoutes(app: App) {
  app.get(
    '/1/timezones',
    {
      config,
      schema: {
        operationId: 'listTimezones',
        tags: ['Timezones'],
        summary: 'List timezones',
        querystring: S.SearchListQuery,
        response: { 200: listEnvelope(S.TimezoneSchema) },
      },
    },
    (req, reply) =>
      timezoneAnswers(req, reply, () => {
        const { search } = req.query;
        return listInMemory(
          timezones.all,
          listParams(req.query, ['id', 'name', 'gmt'], byId),
          (t) => !search || contains(t.name, search),
        );
      }),
  );

  app.get(
    '/1/timezones/:timezone_id',
    {
      config,
      schema: {
        operationId: 'getTimezone',
        tags: ['Timezones'],
        summary: 'Display a timezone',
        params: S.TimezoneParams,
        response: { 200: envelope(S.TimezoneSchema) },
      },
    },
    async (req) => ok(timezones.get(req.params.timezone_id)),
  );
}

/** The activity action codes: the list, one. */
function actionRoutes(app: App) {
  app.get(
    '/1/actions',
    {
      config,
      schema: {
        operationId: 'listActions',
        tags: ['Actions'],
        summary: 'List the activity action codes',
        querystring: S.SearchListQuery,
        response: { 200: listEnvelope(S.ActionSchema) },
      },
    },
    (req, reply) =>
      actionAnswers(req, reply, () => {
        const { search } = req.query;
        return listInMemory(
          actions.all,
          listParams(req.query, ['id', 'code'], byId),
          (a) => !search || contains(a.code, search) || contains(a.description, search),
        );
      }),
  );

  app.get(
    '/1/actions/:action_id',
    {
      config,
      schema: {
        operationId: 'getAction',
        tags: ['Actions'],
        summary: 'Display an action code',
        params: S.ActionParams,
        response: { 200: envelope(S.ActionSchema) },
      },
    },
    async (req) => ok(actions.get(req.params.action_id)),
  );
}
