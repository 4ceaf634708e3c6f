import { principalOf, type Principal } from './principal.js';

/** The success envelope. */
export const ok = <T>(data: T) => ({ result: 'success' as const, data });

/** The calling user's id, on a route that requires a token (the auth plugin has set it). */
export const callerId = (req: { principal: Principal | null }) => principalOf(req).user.id;
