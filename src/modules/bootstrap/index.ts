// The first start: on an empty database, an administrator with an organisation, demo
// products and an API token (server.ts prints them once). No routes.
export { ADMIN_EMAIL, bootstrapFirstAdmin, type FirstAdmin } from './bootstrap.js';
