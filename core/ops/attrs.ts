/** Helpers for parseAttrs: typed reads with defaults and clear messages. */
import { OpError, type RawAttrs } from './types';

export function num(raw: RawAttrs, key: string, fallback?: number): number {
  const v = raw[key];
  if (v === undefined) {
    if (fallback === undefined) throw new OpError(`missing attribute "${key}"`);
    return fallback;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new OpError(`attribute "${key}" must be a number, got ${JSON.stringify(v)}`);
  return v;
}

export function int(raw: RawAttrs, key: string, fallback?: number, min = -Infinity): number {
  const v = num(raw, key, fallback);
  if (!Number.isInteger(v)) throw new OpError(`attribute "${key}" must be an integer, got ${v}`);
  if (v < min) throw new OpError(`attribute "${key}" must be >= ${min}, got ${v}`);
  return v;
}

export function bool(raw: RawAttrs, key: string, fallback: boolean): boolean {
  const v = raw[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new OpError(`attribute "${key}" must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

export function str<T extends string>(raw: RawAttrs, key: string, allowed: readonly T[], fallback?: T): T {
  const v = raw[key];
  if (v === undefined) {
    if (fallback === undefined) throw new OpError(`missing attribute "${key}"`);
    return fallback;
  }
  const hit = allowed.find((a) => a === v);
  if (hit === undefined) throw new OpError(`attribute "${key}" must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return hit;
}

/** A number or a list of `n` integers (a bare number is repeated). */
export function ints(raw: RawAttrs, key: string, n: number, fallback?: number | number[], min = -Infinity): number[] {
  const v = raw[key] ?? fallback;
  if (v === undefined) throw new OpError(`missing attribute "${key}"`);
  const list = typeof v === 'number' ? new Array<number>(n).fill(v) : v;
  if (!Array.isArray(list) || list.length !== n || !list.every((x) => Number.isInteger(x) && x >= min)) {
    throw new OpError(`attribute "${key}" must be ${n} integer(s) >= ${min}, got ${JSON.stringify(v)}`);
  }
  return [...list];
}

/** An integer list of any length. */
export function intList(raw: RawAttrs, key: string, fallback?: number[]): number[] {
  const v = raw[key] ?? fallback;
  if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x))) {
    throw new OpError(`attribute "${key}" must be a list of integers, got ${JSON.stringify(v)}`);
  }
  return [...v];
}
