/**
 * What the import pre-pass (import-fold.ts) sees of an ONNX graph: producers, read counts and
 * constant values by value name, and the shape of a recognised composition (Fold).
 */
import type { NodeProto, TensorProto } from './generated/onnx';
import { attrInts, attrTensor, type ImportContext } from './import-context';
import { intsFromProto, tensorFromProto } from './tensor-proto';

/** What the pre-pass sees of the graph: producers, read counts and constants by value name. */
export class FoldView {
  readonly producer = new Map<string, NodeProto>();

  constructor(
    nodes: readonly NodeProto[],
    readonly uses: ReadonlyMap<string, number>,
    private readonly init: ReadonlyMap<string, TensorProto>,
  ) {
    for (const n of nodes) for (const o of n.output ?? []) if (o) this.producer.set(o, n);
  }

  /** The node writing `value` when it has op type `op` (and, with `once`, nothing else reads the value). */
  made(value: string | undefined, op: string, once = true): NodeProto | undefined {
    if (!value) return undefined;
    const n = this.producer.get(value);
    if (!n || n.opType !== op || (n.domain ?? '') !== '') return undefined;
    if (once && (this.uses.get(value) ?? 0) !== 1) return undefined;
    return n;
  }

  /** A constant's proto (initializer or Constant node's tensor). */
  constProto(value: string | undefined): TensorProto | undefined {
    if (!value) return undefined;
    const t = this.init.get(value);
    if (t) return t;
    const n = this.producer.get(value);
    return n?.opType === 'Constant' ? attrTensor(n, 'value') : undefined;
  }

  isConst(value: string | undefined): boolean {
    return this.constProto(value) !== undefined;
  }

  /** The single value of a one-element constant, or undefined. */
  scalar(value: string | undefined): number | undefined {
    const t = this.constProto(value);
    if (!t) return undefined;
    try {
      const v = tensorFromProto(t);
      return v.size === 1 ? v.data[0] : undefined;
    } catch {
      return undefined;
    }
  }

  ints(value: string | undefined): number[] | undefined {
    const t = this.constProto(value);
    if (!t) return undefined;
    try {
      return intsFromProto(t).values;
    } catch {
      return undefined;
    }
  }
}

/**
 * Emits the ConvLab node for a fused node; returns false when a check that needs the import-time
 * shapes fails, and the importer then converts the covered nodes one by one instead.
 */
export type FoldConverter = (ctx: ImportContext, node: NodeProto) => boolean;

/** A recognised composition: the nodes it replaces and the converter that emits the ConvLab node. */
export interface Fold {
  /** The node writing the composition's output; the fused node takes its place. */
  last: NodeProto;
  /** Every ONNX node of the composition, `last` included. */
  covered: NodeProto[];
  /** The fused node: the composition's outer inputs and its output. */
  fused: NodeProto;
  convert: FoldConverter;
}

export function sameList(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Both operand orders of a binary node: [x, y] and [y, x]. */
export function orders(n: NodeProto): [string, string][] {
  const [a, b] = n.input ?? [];
  return a && b && (n.input?.length ?? 0) === 2 ? [[a, b], [b, a]] : [];
}

/** ReduceSum/ReduceMean axes from the input (ReduceSum >= 13, ReduceMean >= 18) or the attribute. */
export function reduceAxes(v: FoldView, n: NodeProto): number[] | undefined {
  return n.input?.[1] ? v.ints(n.input[1]) : attrInts(n, 'axes');
}
