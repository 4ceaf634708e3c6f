import { isIP } from 'node:net';

// TRUST_PROXY, as Fastify's `trustProxy`: whose X-Forwarded-For to believe, so that behind a
// proxy `req.ip` (the per-IP limits, the activity log) is the client's address, not the proxy's.
// Fastify also takes a number of hops but trusts nothing with it (a count cannot tell a proxy
// from a client that forges the header): refused here rather than silently ignored.

export type TrustProxy = boolean | string[];

// The names @fastify/proxy-addr knows for the ranges of local addresses.
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, a CIDR range (`10.0.0.0/8`, `fd00::/8`; a prefix of at least 1 bit) or a named range. */
function isAddressOrRange(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const slash = entry.lastIndexOf('/');
  const version = isIP(slash === -1 ? entry : entry.slice(0, slash));
  if (version === 0) return false;
  if (slash === -1) return true;
  const bits = entry.slice(slash + 1);
  return /^\d{1,3}$/.test(bits) && Number(bits) >= 1 && Number(bits) <= (version === 4 ? 32 : 128);
}

/** TRUST_PROXY's value as Fastify takes it; throws, naming the variable, on anything else. */
export function parseTrustProxy(value: string): TrustProxy {
  const setting = value.trim();
  if (setting === 'false') return false;
  if (setting === 'true') return true;
  if (/^\d+$/.test(setting)) {
    throw new Error(
      "TRUST_PROXY: a number of hops is not accepted (it cannot tell a proxy from a client forging X-Forwarded-For); list the proxies' addresses",
    );
  }
  const entries = setting.split(',').map((e) => e.trim());
  const bad = entries.find((e) => !isAddressOrRange(e));
  if (bad !== undefined) {
    throw new Error(
      `TRUST_PROXY: ${JSON.stringify(bad)} is not true, false, an IP address, a CIDR range, loopback, linklocal or uniquelocal`,
    );
  }
  return entries;
}
