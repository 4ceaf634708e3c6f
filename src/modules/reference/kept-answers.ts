import type { FastifyReply, FastifyRequest } from 'fastify';

// The catalogues are constants of the server, so a catalogue list's answer depends on its query
// alone. Each answer is made once (filtered, sorted, cut and serialised by the route's schema)
// and then sent as it is: the country list spent most of its time sorting and serialising the
// same 16 KB on every request.

/** How many answers each list keeps: a query can hold a search text, so they are not counted on. */
const MAX_KEPT = 200;

const asBuffer = (serialized: string | ArrayBuffer | Buffer) =>
  typeof serialized === 'string' ? Buffer.from(serialized) : Buffer.from(new Uint8Array(serialized));

/** The answers of one list route, by query; `make` gives the answer's value when it is not kept. */
export function keptAnswers() {
  const kept = new Map<string, Buffer>();
  return (req: FastifyRequest, reply: FastifyReply, make: () => unknown): void => {
    const key = JSON.stringify(req.query) ?? '';
    let body = kept.get(key);
    if (body === undefined) {
      body = asBuffer(reply.serialize(make()));
      if (kept.size < MAX_KEPT) kept.set(key, body);
    }
    void reply.type('application/json; charset=utf-8').send(body);
  };
}
