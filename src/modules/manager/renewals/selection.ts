import type { FastifyRequest } from 'fastify';
import { isRecord } from '../../../shared/is-record.js';
import { many, type Form } from '../context.js';

// The ids the pages are given: the organisation's in the address, the products of a selection
// in the query (the selection's form is a GET: choosing changes nothing) or in a posted form.

export const idOf = (v: string): number | undefined => (/^\d{1,15}$/.test(v) ? Number(v) : undefined);

/** The products of a selection, each once, in the order given. */
export function productIds(form: Form): number[] {
  const ids = many(form, 'product').flatMap((v) => {
    const id = idOf(v);
    return id === undefined ? [] : [id];
  });
  return [...new Set(ids)];
}

export const queriedIds = (req: FastifyRequest) => productIds(isRecord(req.query) ? req.query : {});
