/**
 * Validation on arrival: every incoming message goes through `dispatch`, which checks the
 * envelope, the method name and the params before any handler runs. Bad input gets a clear
 * error reply; handlers never see it.
 */
import { z } from 'zod';
import { methods } from './methods';
import { isMethodName, METHOD_NAMES, type MethodName } from './names';
import type { ContractErrorCode, Handlers, ResponseMessage } from './types';
import { requestEnvelope } from './wire';

/** Services throw this to send a specific error code (e.g. unknown job id -> invalid-params). */
export class ContractFailure extends Error {
  constructor(
    readonly code: ContractErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ContractFailure';
  }
}

function fail(id: number | string | null, code: ContractErrorCode, message: string, method?: string): ResponseMessage {
  return { type: 'response', id, ok: false, error: method ? { code, message, method } : { code, message } };
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(params)'}: ${i.message}`).join('; ');
}

async function call<M extends MethodName>(handlers: Handlers, method: M, raw: unknown): Promise<{ ok: true; result: unknown } | { ok: false; message: string }> {
  const parsed = methods[method].params.safeParse(raw ?? {});
  if (!parsed.success) return { ok: false, message: issues(parsed.error) };
  // The schema table and Handlers are keyed by the same names; the parse gives ParsedParams<M>.
  const handler: (p: unknown) => Promise<unknown> = handlers[method] as (p: unknown) => Promise<unknown>;
  return { ok: true, result: await handler(parsed.data) };
}

export async function dispatch(handlers: Handlers, raw: unknown): Promise<ResponseMessage> {
  const env = requestEnvelope.safeParse(raw);
  if (!env.success) {
    const id = raw && typeof raw === 'object' && 'id' in raw && (typeof raw.id === 'number' || typeof raw.id === 'string') ? raw.id : null;
    return fail(id, 'bad-request', `malformed request: ${issues(env.error)}`);
  }
  const { id, method, params } = env.data;
  if (!isMethodName(method)) {
    return fail(id, 'unknown-method', `unknown method "${method}" (known: ${METHOD_NAMES.join(', ')})`, method);
  }
  try {
    const out = await call(handlers, method, params);
    if (!out.ok) return fail(id, 'invalid-params', `${method}: ${out.message}`, method);
    return { type: 'response', id, ok: true, result: out.result };
  } catch (e) {
    if (e instanceof ContractFailure) return fail(id, e.code, `${method}: ${e.message}`, method);
    return fail(id, 'internal', `${method}: ${e instanceof Error ? e.message : String(e)}`, method);
  }
}

/** Parses one text frame (WebSocket) into a request, answering bad JSON with bad-request. */
export async function dispatchText(handlers: Handlers, text: string): Promise<ResponseMessage> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail(null, 'bad-request', 'malformed request: not valid JSON');
  }
  return dispatch(handlers, raw);
}
