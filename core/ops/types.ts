/**
 * The contract every op implements: attribute parsing, parameter specs, shape inference,
 * forward, exact backward, FLOPs and receptive-field data, side by side in one file per op.
 * Shapes always include the batch dimension first (NCHW / NCDHW; GraphConv: nodes x features).
 */
import type { Shape, Tensor } from '../tensor/tensor';
import type { Rng } from '../tensor/rng';

export type AttrValue = number | string | boolean | number[];
export type RawAttrs = Readonly<Record<string, AttrValue>>;

/** Thrown by parseAttrs/inferShape; the graph layer prefixes the node name and op type. */
export class OpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpError';
  }
}

export type ParamInit =
  | { kind: 'he'; fanIn: number }
  | { kind: 'glorot'; fanIn: number; fanOut: number }
  | { kind: 'uniform'; bound: number }
  | { kind: 'normal'; std: number }
  | { kind: 'constant'; value: number };

export interface ParamSpec {
  name: string;
  shape: Shape;
  init: ParamInit;
  /** false for state that the optimizer must not touch (BatchNorm running mean/var). */
  trainable: boolean;
}

export interface ForwardContext {
  training: boolean;
  rng: Rng;
}

export interface ForwardResult {
  output: Tensor;
  /** Whatever backward needs (masks, im2col buffers, normalised activations...). */
  saved?: unknown;
  /** New values for non-trainable params (BatchNorm running stats in training mode). */
  state?: Record<string, Tensor>;
}

export interface BackwardResult {
  /** Gradient per input, in input order; null where an input takes no gradient (indices, adjacency). */
  inputs: (Tensor | null)[];
  /** Gradient per trainable param, by name. */
  params: Record<string, Tensor>;
}

/** Per spatial axis, how one node widens the receptive field: rf += (kernel-1)*dilation*jump; jump *= stride. */
export interface ReceptiveInfo {
  kernel: number;
  stride: number;
  dilation: number;
  /** Per spatial axis (D/H/W order) when axes may differ (1x3 kernels); the fields above are then the largest. */
  axes?: readonly { kernel: number; stride: number; dilation: number }[];
  /** Every output position sees the whole input (global pooling, non-local attention). */
  global?: boolean;
}

/** Method syntax on purpose: lets an OpDef<Conv2DAttrs> sit in a list of OpDef<unknown>. */
export interface OpDef<A = unknown> {
  readonly type: string;
  /** One line for the palette and docs. */
  readonly summary: string;
  readonly category: 'conv' | 'pool' | 'activation' | 'norm' | 'dense' | 'structure' | 'graph' | 'attention' | 'io' | 'math';
  /** Number of inputs, or [min, max] (max Infinity for variadic ops such as Concat/Add). */
  readonly arity: number | readonly [number, number];
  parseAttrs(raw: RawAttrs): A;
  params(inputShapes: readonly Shape[], attrs: A): ParamSpec[];
  inferShape(inputShapes: readonly Shape[], attrs: A): Shape;
  forward(inputs: readonly Tensor[], params: Readonly<Record<string, Tensor>>, attrs: A, ctx: ForwardContext): ForwardResult;
  backward(
    gradOut: Tensor,
    saved: unknown,
    inputs: readonly Tensor[],
    params: Readonly<Record<string, Tensor>>,
    attrs: A,
    /** Which inputs need a gradient (absent: all). An op may return null for the others and skip their work. */
    needInput?: readonly boolean[],
  ): BackwardResult;
  /** Floating-point operations for one forward pass over the whole input batch (multiply-adds x 2). */
  flops(inputShapes: readonly Shape[], attrs: A): number;
  /** Omitted means the op does not change the receptive field (elementwise, concat...). */
  receptive?(attrs: A): ReceptiveInfo;
}

export function defineOp<A>(def: OpDef<A>): OpDef<A> {
  return def;
}
