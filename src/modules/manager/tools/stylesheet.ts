import type { FastifyInstance } from 'fastify';
import { PAGE } from '../route-config.js';

// The tools pages' few rules of their own (a mail's body keeps its lines and wraps them; a
// list of facts reads as a label and its value on one line),
// served beside the console's stylesheet: the CSP allows no inline style.

const STYLESHEET = `
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0 0 1rem}
.facts dt{font-weight:600}.facts dd{margin:0}
.mail-body{white-space:pre-wrap;overflow-wrap:anywhere;font:inherit;background:#f6f7f9;padding:.8rem 1rem;border-radius:4px}
`;

export const TOOLS_STYLESHEET_LINK = '<link rel="stylesheet" href="/manager/tools/assets/tools.css">';

export function toolsStylesheetRoute(app: FastifyInstance) {
  app.get('/manager/tools/assets/tools.css', PAGE, (_req, reply) =>
    reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(STYLESHEET),
  );
}
