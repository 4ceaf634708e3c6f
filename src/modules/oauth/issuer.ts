import type { FastifyRequest } from 'fastify';
import { publicOrigin } from '../../shared/public-origin.js';

/** This server's issuer identifier: the address clients reach it at. */
export const issuerOf = publicOrigin;

const LOOPBACK = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** Cookies are Secure over https and on loopback hosts (browsers treat those as secure contexts). */
export const secureCookies = (req: FastifyRequest) => req.protocol === 'https' || LOOPBACK.test(req.host);
