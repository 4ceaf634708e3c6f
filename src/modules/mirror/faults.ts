import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorEnvelope } from '../../plugins/errors.js';
import { AppError, ERROR_STATUS, type ErrorCode } from '../../shared/errors.js';

// Failures on demand: rules that match a method and a path pattern (and optionally a token),
// and answer an error, wait, or drop the connection, with a probability; or one request's
// `X-Mirror-Fault` header. Kept in this instance's memory: set them on the instance tested.
// A rule belongs to the sandbox it was added in (null: the main data) and meets only its
// requests; the control plane lists and clears one sandbox's rules at a time. The header is
// honoured only where the control plane switched it on (per sandbox, like the rules), or
// from the admin token: otherwise any caller could fail or stall any request of theirs.

/** The longest delay a rule or the header may ask for: longer would park a connection. */
export const MAX_FAULT_DELAY_MS = 30_000;

export interface FaultRule {
  id: string;
  sandbox: string | null;
  method: string | null;
  /** `*` matches within one path segment, `**` across segments: /1/accounts/*\/payments. */
  path: string;
  token: string | null;
  status: number | null;
  error_code: string | null;
  delay_ms: number | null;
  delay_max_ms: number | null;
  drop: boolean;
  probability: number;
  hits: number;
}

export type NewFaultRule = Partial<Omit<FaultRule, 'id' | 'hits' | 'sandbox'>> & { path: string };

const isErrorCode = (code: string): code is ErrorCode => code in ERROR_STATUS;
/** The error code an HTTP status answers with (the first of several), else unexpected_error. */
const codeOfStatus = (status: number): ErrorCode =>
  Object.keys(ERROR_STATUS)
    .filter(isErrorCode)
    .find((c) => ERROR_STATUS[c] === status) ?? 'unexpected_error';

const patternOf = (glob: string) =>
  new RegExp(
    `^${glob
      .split('**')
      .map((p) =>
        p
          .split('*')
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]*'),
      )
      .join('.*')}$`,
  );

export class FaultBook {
  private rules: (FaultRule & { re: RegExp })[] = [];
  /** The sandboxes (null: the main data) where every caller's X-Mirror-Fault header counts. */
  private headerOn = new Set<string | null>();

  headerHonoured(sandbox: string | null): boolean {
    return this.headerOn.has(sandbox);
  }

  honourHeader(sandbox: string | null, enabled: boolean) {
    if (enabled) this.headerOn.add(sandbox);
    else this.headerOn.delete(sandbox);
  }

  list(sandbox: string | null): FaultRule[] {
    return this.rules.filter((r) => r.sandbox === sandbox).map(({ re: _re, ...r }) => r);
  }

  add(sandbox: string | null, r: NewFaultRule): FaultRule {
    const rule = {
      id: randomUUID(),
      sandbox,
      method: r.method?.toUpperCase() ?? null,
      path: r.path,
      token: r.token ?? null,
      status: r.status ?? null,
      error_code: r.error_code ?? null,
      delay_ms: r.delay_ms ?? null,
      delay_max_ms: r.delay_max_ms ?? null,
      drop: r.drop ?? false,
      probability: r.probability ?? 1,
      hits: 0,
    };
    this.rules.push({ ...rule, re: patternOf(r.path) });
    return rule;
  }

  remove(sandbox: string | null, id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id || r.sandbox !== sandbox);
    return this.rules.length < before;
  }

  clear(sandbox: string | null) {
    this.rules = this.rules.filter((r) => r.sandbox !== sandbox);
  }

  /** The first rule that matches this request and fires (by its probability); the token is read only for a rule naming one. */
  pick(sandbox: string | null, method: string, path: string, token: () => string | undefined): FaultRule | undefined {
    for (const r of this.rules) {
      if (r.sandbox !== sandbox) continue;
      if (r.method && r.method !== method) continue;
      if (r.token && r.token !== token()) continue;
      if (!r.re.test(path)) continue;
      if (Math.random() >= r.probability) continue;
      r.hits++;
      return r;
    }
    return undefined;
  }
}

/** `X-Mirror-Fault: status=503` | `error=too_many_requests` | `delay=200` | `delay=100-500` | `drop`, comma-separated; delays up to MAX_FAULT_DELAY_MS. */
export function parseFaultHeader(value: string): NewFaultRule | undefined {
  const rule: NewFaultRule = { path: '**' };
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [k, v = ''] = part.split('=').map((s) => s.trim());
    if (k === 'drop') rule.drop = true;
    else if (k === 'status' && /^[1-5]\d\d$/.test(v)) rule.status = Number(v);
    else if (k === 'error' && isErrorCode(v)) rule.error_code = v;
    else if (k === 'delay' && /^\d+(-\d+)?$/.test(v)) {
      // The pattern makes sure of the first number: the default is never used.
      const [a = 0, b] = v.split('-').map(Number);
      if (Math.max(a, b ?? 0) > MAX_FAULT_DELAY_MS) return undefined;
      rule.delay_ms = a;
      if (b !== undefined) rule.delay_max_ms = b;
    } else return undefined;
  }
  return rule;
}

/** Carries a rule out: waits, then drops the connection or answers the error (or lets the request go on). */
export async function apply(
  rule: Omit<FaultRule, 'id' | 'hits' | 'path' | 'method' | 'token' | 'sandbox'> | NewFaultRule,
  req: FastifyRequest,
  reply: FastifyReply,
) {
  if (rule.delay_ms) {
    const max = rule.delay_max_ms ?? rule.delay_ms;
    await sleep(rule.delay_ms + Math.floor(Math.random() * (Math.max(max, rule.delay_ms) - rule.delay_ms + 1)));
  }
  if (rule.drop) {
    req.raw.socket?.destroy();
    reply.hijack();
    return;
  }
  // Rules and the header only take known codes (the schema's enum, parseFaultHeader).
  if (rule.error_code && isErrorCode(rule.error_code))
    throw new AppError(rule.error_code, `Fault injected by the mirror: ${rule.error_code}`, { injected: true });
  if (rule.status) {
    // The status asked for, which the code's own status need not be (a 418, a 599).
    const err = new AppError(codeOfStatus(rule.status), `Fault injected by the mirror: ${rule.status}`, {
      injected: true,
    });
    return reply.code(rule.status).send(errorEnvelope(err));
  }
}
