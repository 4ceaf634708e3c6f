import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { productsRoutes } from './products.routes.js';

/** Products of the organisations, the service catalogue, and the rights members hold on products. */
export const productsModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(productsRoutes);
};

export { createDemoProducts, DEMO_DOMAIN, DEMO_PRODUCTS } from './demo-products.js';
export { applyProductPermissions, checkProductPermissions, revokeProductRights } from './product-permissions.js';
export { PermissionSchema, PRODUCT_RIGHTS, type Permission } from './products.schemas.js';
export {
  SERVICE_IDS,
  SERVICE_NAMES,
  SERVICES,
  serviceById,
  serviceByName,
  serviceNamed,
  type Service,
  type ServiceName,
} from './services.js';
