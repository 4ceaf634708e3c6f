import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import errors from './errors.js';

// Swagger UI at /docs, loaded by the first request for it rather than at start (its module,
// Helmet's and 2 MB of static files are for a browser, which few of the server's callers
// are). A Fastify instance of its own is made then, and /docs hands it the raw request; the
// document it shows is the main app's.

async function makeDocsApp(app: FastifyInstance): Promise<FastifyInstance> {
  const [{ default: swaggerUi }, { default: helmet }] = await Promise.all([
    import('@fastify/swagger-ui'),
    import('@fastify/helmet'),
  ]);
  const docs = Fastify();
  await docs.register(errors); // its 404s and failures in the envelope, as everywhere
  // Swagger UI asks for @fastify/swagger: this stands in for it with the main app's document.
  await docs.register(fp(async (d) => void d.decorate('swagger', app.swagger.bind(app)), { name: '@fastify/swagger' }));
  // Helmet's browser-protection headers are for these HTML pages; the JSON API has no use for them.
  await docs.register(helmet, { contentSecurityPolicy: false });
  await docs.register(swaggerUi, { routePrefix: '/docs' });
  await docs.ready();
  return docs;
}

export default fp(
  async function docsUi(app) {
    let docs: Promise<FastifyInstance> | undefined;
    async function serve(req: FastifyRequest, reply: FastifyReply) {
      docs ??= makeDocsApp(app);
      docs.catch(() => (docs = undefined)); // a failed start is tried again by the next request
      const ui = await docs;
      reply.hijack();
      ui.routing(req.raw, reply.raw);
    }
    const config = { auth: 'public' as const, rateLimit: false };
    app.get('/docs', { schema: { hide: true }, config }, serve);
    app.get('/docs/*', { schema: { hide: true }, config }, serve);
    app.addHook('onClose', async () => {
      const made = await docs?.catch(() => undefined);
      await made?.close();
    });
  },
  { name: 'docs-ui', dependencies: ['openapi'] },
);
