import type { Db } from '../../db/database.js';
import { notFound } from '../../shared/errors.js';
import { membershipOf } from '../accounts/index.js';
import { appAccessesRepository } from './app-accesses.repository.js';
import { APPS, type AppAccess, type AppAccesses } from './app-accesses.schemas.js';

const appOf = (serviceName: string) => APPS.find(([, service]) => service === serviceName)?.[0];

export function appAccessesService(db: Db) {
  return {
    /**
     * One member's app accesses, for any member of the organisation (as the member itself is):
     * owners and administrators reach every app product, other members those they hold a right on.
     */
    async list(callerId: number, accountId: number, userId: number): Promise<AppAccesses> {
      await membershipOf(db, accountId, callerId);
      const repo = appAccessesRepository(db);
      const role = await repo.roleOf(accountId, userId);
      if (!role) throw notFound('User');
      const manager = role === 'owner' || role === 'admin';
      const out: AppAccesses = { drive: [], mail: [], ksuite: [] };
      for (const p of await repo.appProducts(accountId, userId)) {
        const app = appOf(p.service_name);
        if (!app || (!manager && p.right_holder === null)) continue;
        const access: AppAccess['role'] = manager || p.technical ? 'admin' : 'user';
        out[app].push({ product_id: p.id, customer_name: p.customer_name, role: access });
      }
      return out;
    },
  };
}
