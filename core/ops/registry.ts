/** The explicit list of every op the core knows. */
import { basicFamily } from './basic-family';
import { convFamily } from './conv-family';
import { interopFamily } from './interop-family';
import { OpError, type OpDef } from './types';

const all: readonly OpDef[] = [...convFamily, ...basicFamily, ...interopFamily];
const byType = new Map<string, OpDef>();
for (const op of all) {
  if (byType.has(op.type)) throw new Error(`op registry: "${op.type}" is listed twice`);
  byType.set(op.type, op);
}

export function listOps(): readonly OpDef[] {
  return all;
}

export function hasOp(type: string): boolean {
  return byType.has(type);
}

export function getOp(type: string): OpDef {
  const op = byType.get(type);
  if (!op) throw new OpError(`unknown op type "${type}"`);
  return op;
}
