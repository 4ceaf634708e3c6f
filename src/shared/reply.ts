/** The success envelope. */
export const ok = <T>(data: T) => ({ result: 'success' as const, data });

/** The calling user's id, on a route that requires a token (the auth plugin has set it). */
export const callerId = (req: { principal: { user: { id: number } } | null }) => req.principal!.user.id;
