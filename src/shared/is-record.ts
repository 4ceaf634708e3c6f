/** Whether a parsed value (a JSON body, a route's params) is an object whose fields can be read. */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
