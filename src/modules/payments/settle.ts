import { extendRenewedProducts } from '../due/index.js';
import { fulfilOrder } from '../invoices/index.js';
import { paymentsRepository as repo, type Trx } from './payments.repository.js';

/**
 * What paying invoices does, inside the payment's transaction: marks them paid, fulfils their
 * pending orders (creating the products) and extends the products their renewal lines name.
 * Answers the products created and the products renewed.
 */
export async function settle(trx: Trx, invoiceIds: number[], at: number): Promise<{ created: number[]; renewed: number[] }> {
  await repo.markPaid(trx, invoiceIds, at);
  const created: number[] = [];
  for (const o of await repo.pendingOrdersOf(trx, invoiceIds)) {
    const r = await fulfilOrder(trx, o.id, at);
    created.push(...r.products.map((p) => p.product_id));
  }
  const renewed = (await extendRenewedProducts(trx, invoiceIds, at)).map((p) => p.product_id);
  return { created, renewed };
}
