import type { FastifyRequest } from 'fastify';
import { publicOrigin } from '../../shared/public-origin.js';

/** This server's issuer identifier: the address clients reach it at. */
export const issuerOf = publicOrigin;

const LOOPBACK = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** Whether the browser reaches this server over https: the request says so, or the public URL does (TLS ended by a proxy). */
const overHttps = (req: FastifyRequest) => req.protocol === 'https' || publicOrigin(req).startsWith('https:');

/** Cookies are Secure over https and on loopback hosts (browsers treat those as secure contexts). */
export const secureCookies = (req: FastifyRequest) => overHttps(req) || LOOPBACK.test(req.host);

/**
 * A cookie's name: `__Host-` over https, so the browser keeps only a cookie this very host set
 * over https (Secure, Path=/, no Domain): a sibling subdomain or a plain-http page can neither
 * plant nor shadow it. Over http, loopback included, the plain name: Chromium refuses a prefixed
 * cookie from http://localhost although it takes a Secure one, and a development server must
 * still sign in.
 */
export const cookieName = (req: FastifyRequest, name: string) => (overHttps(req) ? `__Host-${name}` : name);
