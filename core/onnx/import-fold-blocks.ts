/**
 * Folds for the blocks' exported compositions (export-composites.ts):
 *   NonLocal       1x1 Convs -> Reshape [0, d, P] -> Transpose -> MatMul -> Softmax (or Div by P)
 *                  -> Transpose -> MatMul -> Reshape [0, d, ...spatial] -> 1x1 Conv [-> Add(., x)]
 *   BlurPool       Pad(reflect, binomial pads) -> depthwise Conv with the normalised binomial filter
 *   MaxBlurPool    MaxPool(kernel, stride 1) -> BlurPool
 *   ChannelShuffle Reshape [0, g, C/g, ...] -> Transpose(0, 2, 1, ...) -> Reshape [0, C, ...]
 *   GELU           (below opset 20) x * ((Erf(x * 1/sqrt 2) + 1) * 0.5)
 * The structure and constants are matched here; the sizes that need import-time shapes (channels,
 * positions, reshape targets) are checked by the fold's converter, which otherwise declines and
 * lets the covered nodes import one by one as general ops.
 */
import { binomialFilter, blurPads } from '../ops/blur-pool';
import { getOp } from '../ops/registry';
import type { AttrValue } from '../ops/types';
import type { Tensor } from '../tensor/tensor';
import type { NodeProto } from './generated/onnx';
import { attrInt, attrInts, attrString, type ImportContext, type NodeValue } from './import-context';
import { orders, sameList, type Fold, type FoldConverter, type FoldView } from './import-fold-view';
import { tensorFromProto } from './tensor-proto';

/** A fused node reading every outside input of `covered` (so ordering and a fallback both work). */
function fusedNode(op: string, last: NodeProto, covered: NodeProto[]): NodeProto {
  const made = new Set(covered.flatMap((n) => n.output ?? []));
  const inputs = [...new Set(covered.flatMap((n) => (n.input ?? []).filter((i) => i && !made.has(i))))];
  return { opType: op, name: last.name, input: inputs, output: [last.output?.[0] ?? ''] };
}

/** Whether `op` accepts these input shapes and attrs (so the emit that follows cannot fail). */
function fits(op: string, shapes: number[][], attrs: Record<string, AttrValue>): boolean {
  try {
    const def = getOp(op);
    def.inferShape(shapes, def.parseAttrs(attrs));
    return true;
  } catch {
    return false;
  }
}

function dynShape(ctx: ImportContext, name: string): readonly number[] | undefined {
  const v = ctx.values.get(name);
  return v?.kind === 'node' ? v.shape : undefined;
}

function constTensor(ctx: ImportContext, name: string): Tensor | undefined {
  const v = ctx.values.get(name);
  return v?.kind === 'const' ? v.tensor : undefined;
}

/** A bias-carrying 1x1 Conv (stride 1, no padding, no groups) with constant weight and bias: [weight, bias] names. */
function conv1x1(v: FoldView, n: NodeProto | undefined): { x: string; w: string; b: string } | undefined {
  if (!n || (n.input?.length ?? 0) !== 3) return undefined;
  const [x, w, b] = n.input ?? [];
  const wt = v.constProto(w);
  if (!x || !w || !b || !wt || !v.isConst(b)) return undefined;
  const k = (wt.dims ?? []).slice(2).map(Number);
  const ones = k.map(() => 1);
  const ok =
    k.length >= 2 &&
    k.every((d) => d === 1) &&
    sameList(attrInts(n, 'kernel_shape') ?? ones, ones) &&
    sameList(attrInts(n, 'strides') ?? ones, ones) &&
    sameList(attrInts(n, 'dilations') ?? ones, ones) &&
    (attrInts(n, 'pads') ?? []).every((p) => p === 0) &&
    attrInt(n, 'group', 1) === 1 &&
    attrString(n, 'auto_pad', 'NOTSET') === 'NOTSET';
  return ok ? { x, w, b } : undefined;
}

/** Reshape (read once) of `made` by a constant target: the target's ints. */
function reshapeOf(v: FoldView, value: string | undefined, once = true): { node: NodeProto; from: string; target: number[] } | undefined {
  const n = v.made(value, 'Reshape', once);
  const target = v.ints(n?.input?.[1]);
  const from = n?.input?.[0];
  return n && target && from ? { node: n, from, target } : undefined;
}

const swap12 = (n: NodeProto | undefined): boolean => !!n && sameList(attrInts(n, 'perm'), [0, 2, 1]);

export function nonLocalFold(v: FoldView, last: NodeProto): Fold | undefined {
  let outConv: NodeProto | undefined = last.opType === 'Conv' ? last : undefined;
  let residualX: string | undefined;
  if (last.opType === 'Add') {
    for (const [z, x] of orders(last)) {
      const c = v.made(z, 'Conv');
      if (c) {
        outConv = c;
        residualX = x;
      }
    }
  }
  const out = conv1x1(v, outConv);
  const y4 = reshapeOf(v, out?.x);
  const y = v.made(y4?.from, 'MatMul');
  const attnT = v.made(y?.input?.[1], 'Transpose');
  const gFlat = reshapeOf(v, y?.input?.[0]);
  const gConv = v.made(gFlat?.from, 'Conv');
  const g = conv1x1(v, gConv);
  const attnNode = v.made(attnT?.input?.[0], 'Softmax') ?? v.made(attnT?.input?.[0], 'Div');
  const sim = v.made(attnNode?.input?.[0], 'MatMul');
  const left = v.made(sim?.input?.[0], 'Transpose');
  if (!outConv || !out || !y4 || !y || !attnT || !swap12(attnT) || !gFlat || !gConv || !g || !attnNode || !sim || !left || !swap12(left)) return undefined;
  if (attnNode.opType === 'Softmax' && ![-1, 2].includes(attrInt(attnNode, 'axis', NaN))) return undefined;
  const x = g.x;
  if (residualX !== undefined && residualX !== x) return undefined;
  const common = [outConv, y4.node, y, attnT, gFlat.node, gConv, attnNode, sim, left, ...(residualX !== undefined ? [last] : [])];
  const flat: { name: string; target: number[]; channels: 'c' | 'd' }[] = [{ name: 'g', target: gFlat.target, channels: 'd' }];
  let mode: 'gaussian' | 'embedded' | 'dot';
  let covered: NodeProto[];
  const params: Record<string, string> = { gWeight: g.w, gBias: g.b, outWeight: out.w, outBias: out.b };
  const xf = reshapeOf(v, left.input?.[0], false);
  if (xf && xf.from === x && sim.input?.[1] === left.input?.[0] && v.uses.get(sim.input?.[1] ?? '') === 2) {
    if (attnNode.opType !== 'Softmax') return undefined;
    mode = 'gaussian';
    flat.push({ name: 'x', target: xf.target, channels: 'c' });
    covered = [...common, xf.node];
  } else {
    const theta = reshapeOf(v, left.input?.[0]);
    const phi = reshapeOf(v, sim.input?.[1]);
    const thetaConv = v.made(theta?.from, 'Conv');
    const phiConv = v.made(phi?.from, 'Conv');
    const tc = conv1x1(v, thetaConv);
    const pc = conv1x1(v, phiConv);
    if (!theta || !phi || !thetaConv || !phiConv || !tc || !pc || tc.x !== x || pc.x !== x) return undefined;
    mode = attnNode.opType === 'Softmax' ? 'embedded' : 'dot';
    flat.push({ name: 'theta', target: theta.target, channels: 'd' }, { name: 'phi', target: phi.target, channels: 'd' });
    Object.assign(params, { thetaWeight: tc.w, thetaBias: tc.b, phiWeight: pc.w, phiBias: pc.b });
    covered = [...common, theta.node, phi.node, thetaConv, phiConv];
  }
  const residual = residualX !== undefined;
  const divisor = attnNode.opType === 'Div' ? attnNode.input?.[1] : undefined;
  const yTarget = y4.target;
  const convert: FoldConverter = (ctx, node) => {
    const xs = dynShape(ctx, x);
    const gw = constTensor(ctx, g.w);
    if (!xs || !gw || xs.length < 4) return false;
    const c = xs[1];
    const spatial = xs.slice(2);
    const p = spatial.reduce((a, b) => a * b, 1);
    const d = gw.shape[0];
    const lead = (t: number[]): boolean => t[0] === 0 || t[0] === xs[0];
    const okFlat = flat.every((f) => f.target.length === 3 && lead(f.target) && f.target[1] === (f.channels === 'c' ? c : d) && f.target[2] === p);
    const okY = yTarget.length === xs.length && lead(yTarget) && yTarget[1] === d && sameList(yTarget.slice(2), spatial);
    const okDiv = divisor === undefined || ctx.values.get(divisor)?.kind === 'const' && constTensor(ctx, divisor)?.size === 1 && constTensor(ctx, divisor)?.data[0] === p;
    const attrs = { mode, inner: d, residual };
    if (!okFlat || !okY || !okDiv || !fits('NonLocal', [[...xs]], attrs)) return false;
    const ps: Record<string, Tensor> = {};
    for (const [k, name] of Object.entries(params)) {
      const t = constTensor(ctx, name);
      if (!t) return false;
      ps[k] = t;
    }
    const xv: NodeValue = ctx.dyn(node, node.input?.indexOf(x) ?? 0, 'the input');
    ctx.set(node, ctx.emit(node, 'NonLocal', [xv], attrs, ps));
    return true;
  };
  return { last, covered, fused: fusedNode('NonLocal', last, covered), convert };
}

export function blurPoolFold(v: FoldView, last: NodeProto): Fold | undefined {
  if (last.opType !== 'Conv' || (last.input?.length ?? 0) !== 2) return undefined;
  const wp = v.constProto(last.input?.[1]);
  const dims = (wp?.dims ?? []).map(Number);
  if (!wp || dims.length !== 4 || dims[1] !== 1 || dims[2] !== dims[3]) return undefined;
  const [c, , f] = dims;
  if (f < 2 || f > 5 || attrInt(last, 'group', 1) !== c || !(attrInts(last, 'pads') ?? [0]).every((p) => p === 0)) return undefined;
  if (!sameList(attrInts(last, 'dilations') ?? [1, 1], [1, 1]) || attrString(last, 'auto_pad', 'NOTSET') !== 'NOTSET') return undefined;
  const stride = attrInts(last, 'strides') ?? [1, 1];
  if (stride.length !== 2) return undefined;
  const pad = v.made(last.input?.[0], 'Pad');
  const { begin, end } = blurPads(f);
  if (!pad || attrString(pad, 'mode', 'constant') !== 'reflect' || !sameList(v.ints(pad.input?.[1]) ?? attrInts(pad, 'pads'), [0, 0, begin, begin, 0, 0, end, end])) return undefined;
  // The filter must be exactly the normalised binomial outer product in every channel.
  const row = binomialFilter(f);
  let w: Tensor;
  try {
    w = tensorFromProto(wp);
  } catch {
    return undefined;
  }
  for (let i = 0; i < w.size; i++) {
    const u = Math.floor((i % (f * f)) / f);
    if (w.data[i] !== Math.fround(row[u] * row[i % f])) return undefined;
  }
  const max = v.made(pad.input?.[0], 'MaxPool');
  const maxOk = max && (max.output?.length ?? 1) === 1 && sameList(attrInts(max, 'strides'), [1, 1]) && (attrInts(max, 'pads') ?? [0]).every((p) => p === 0) && attrInt(max, 'ceil_mode', 0) === 0 && sameList(attrInts(max, 'dilations') ?? [1, 1], [1, 1]) && attrString(max, 'auto_pad', 'NOTSET') === 'NOTSET' && attrInts(max, 'kernel_shape')?.length === 2;
  const covered = maxOk && max ? [last, pad, max] : [last, pad];
  const op = maxOk ? 'MaxBlurPool' : 'BlurPool';
  const attrs: Record<string, AttrValue> = maxOk && max ? { kernel: attrInts(max, 'kernel_shape') ?? [], filterSize: f, stride } : { filterSize: f, stride };
  const x = (maxOk && max ? max : pad).input?.[0] ?? '';
  const convert: FoldConverter = (ctx, node) => {
    const xs = dynShape(ctx, x);
    if (!xs || xs.length !== 4 || xs[1] !== c || !fits(op, [[...xs]], attrs)) return false;
    ctx.set(node, ctx.emit(node, op, [ctx.dyn(node, node.input?.indexOf(x) ?? 0, 'the input')], attrs));
    return true;
  };
  return { last, covered, fused: fusedNode(op, last, covered), convert };
}

export function channelShuffleFold(v: FoldView, last: NodeProto): Fold | undefined {
  const outer = reshapeOf(v, last.output?.[0], false);
  if (!outer || outer.node !== last) return undefined;
  const tr = v.made(outer.from, 'Transpose');
  const inner = reshapeOf(v, tr?.input?.[0]);
  if (!tr || !inner || inner.target.length < 4 || inner.target[0] !== 0 || outer.target[0] !== 0) return undefined;
  const rest = inner.target.slice(3);
  if (!sameList(attrInts(tr, 'perm'), [0, 2, 1, ...rest.map((_, i) => i + 3)])) return undefined;
  const groups = inner.target[1];
  const c = groups * inner.target[2];
  if (!sameList(outer.target, [0, c, ...rest])) return undefined;
  const covered = [last, tr, inner.node];
  const x = inner.from;
  const convert: FoldConverter = (ctx, node) => {
    const xs = dynShape(ctx, x);
    if (!xs || xs[1] !== c || !sameList(xs.slice(2), rest) || !fits('ChannelShuffle', [[...xs]], { groups })) return false;
    ctx.set(node, ctx.emit(node, 'ChannelShuffle', [ctx.dyn(node, node.input?.indexOf(x) ?? 0, 'the input')], { groups }));
    return true;
  };
  return { last, covered, fused: fusedNode('ChannelShuffle', last, covered), convert };
}

/** Exact float32 equality of a scalar constant with `want`. */
function isScalar(v: FoldView, name: string | undefined, want: number): boolean {
  return v.scalar(name) === Math.fround(want);
}

export function geluFold(v: FoldView, last: NodeProto): Fold | undefined {
  if (last.opType !== 'Mul') return undefined;
  for (const [x, halfV] of orders(last)) {
    const half = v.made(halfV, 'Mul');
    for (const [onePlusV, h] of half ? orders(half) : []) {
      const onePlus = v.made(onePlusV, 'Add');
      if (!half || !onePlus || !isScalar(v, h, 0.5)) continue;
      for (const [erfV, one] of orders(onePlus)) {
        const erf = v.made(erfV, 'Erf');
        const scaled = v.made(erf?.input?.[0], 'Mul');
        if (!erf || !scaled || !isScalar(v, one, 1)) continue;
        for (const [sx, k] of orders(scaled)) {
          if (sx !== x || !isScalar(v, k, Math.SQRT1_2)) continue;
          const covered = [last, half, onePlus, erf, scaled];
          const convert: FoldConverter = (ctx, node) => {
            ctx.set(node, ctx.emit(node, 'GELU', [ctx.dyn(node, node.input?.indexOf(x) ?? 0, 'the input')], {}));
            return true;
          };
          return { last, covered, fused: fusedNode('GELU', last, covered), convert };
        }
      }
    }
  }
  return undefined;
}
