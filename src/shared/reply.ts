/** The success envelope. */
export const ok = <T>(data: T) => ({ result: 'success' as const, data });
