import type { Signed } from '../context.js';
import { renewalsOf } from './data.js';
import { reasonOf, type Outcome, type Outcomes, type Switch } from './outcomes.js';

// The changes the pages ask the API for, and each product's outcome as the API answered it.

const productUrl = (accountId: number, productId: number) =>
  `/1/accounts/${accountId}/products/${productId}/auto_renewal`;

/** One product on or off (its ⋮ menu). */
export async function switchOne(signed: Signed, accountId: number, productId: number, action: Switch) {
  const answer = await signed.api('PUT', productUrl(accountId, productId), { enabled: action === 'on' });
  const outcome: Outcome = answer.ok
    ? { productId, result: 'changed' }
    : { productId, result: 'refused', why: reasonOf(answer) };
  return { action, items: [outcome] } satisfies Outcomes;
}

/**
 * A selection off, by the API's switch-off of a selection: all or nothing, it answers the
 * products that were on; a refusal is every product's.
 */
async function switchOff(signed: Signed, accountId: number, ids: number[]): Promise<Outcome[]> {
  const answer = await signed.api<{ product_ids: number[] }>('POST', `/1/accounts/${accountId}/auto_renewal`, {
    enabled: false,
    product_ids: ids,
  });
  if (!answer.ok) return ids.map((productId) => ({ productId, result: 'refused', why: reasonOf(answer) }));
  return ids.map((productId) => ({
    productId,
    result: answer.data.product_ids.includes(productId) ? 'changed' : 'unchanged',
  }));
}

/** A selection on: the API switches products on one at a time, each accepted or refused on its own. */
async function switchOn(signed: Signed, accountId: number, ids: number[]): Promise<Outcome[]> {
  const current = await renewalsOf(signed, accountId);
  const on = new Set(current.ok ? current.data.filter((r) => r.enabled).map((r) => r.product_id) : []);
  const outcomes: Outcome[] = [];
  for (const productId of ids) {
    if (on.has(productId)) outcomes.push({ productId, result: 'unchanged' });
    else outcomes.push(...(await switchOne(signed, accountId, productId, 'on')).items);
  }
  return outcomes;
}

export async function switchSelection(signed: Signed, accountId: number, ids: number[], action: Switch) {
  const items = action === 'off' ? await switchOff(signed, accountId, ids) : await switchOn(signed, accountId, ids);
  return { action, items } satisfies Outcomes;
}

export const anyRefused = (o: Outcomes) => o.items.some((i) => i.result === 'refused');
