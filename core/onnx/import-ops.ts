/**
 * ONNX -> ConvLab converters for the layers with weights: Conv, ConvTranspose, the pools,
 * BatchNormalization, Gemm and MatMul with a constant 2-D weight (+ Add fused into Dense), PRelu.
 */
import { Tensor, sizeOf, type Shape } from '../tensor/tensor';
import { attrFloat, attrInt, attrInts, attrString, type Converter, type ImportContext, type NodeValue } from './import-context';
import type { NodeProto } from './generated/onnx';
import { generalMatMul } from './import-ops-interop';

function spatialPads(ctx: ImportContext, node: NodeProto, x: Shape, kernel: number[], stride: number[], dil: number[]): number[] {
  const r = kernel.length;
  const auto = attrString(node, 'auto_pad', 'NOTSET');
  if (auto === 'NOTSET') {
    const pads = attrInts(node, 'pads') ?? new Array<number>(2 * r).fill(0);
    if (pads.length !== 2 * r || pads.some((p) => p < 0)) ctx.fail(node, `pads [${pads.join(', ')}] must be ${2 * r} non-negative integers`);
    return pads;
  }
  if (auto === 'VALID') return new Array<number>(2 * r).fill(0);
  if (auto !== 'SAME_UPPER' && auto !== 'SAME_LOWER') ctx.fail(node, `auto_pad "${auto}" is not supported`);
  const begins: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < r; i++) {
    const size = x[2 + i];
    const out = Math.ceil(size / stride[i]);
    const total = Math.max(0, (out - 1) * stride[i] + (kernel[i] - 1) * dil[i] + 1 - size);
    const small = Math.floor(total / 2);
    begins.push(auto === 'SAME_UPPER' ? small : total - small);
    ends.push(auto === 'SAME_UPPER' ? total - small : small);
  }
  return [...begins, ...ends];
}

function listOr(node: NodeProto, name: string, r: number, fallback: number): number[] {
  const v = attrInts(node, name) ?? new Array<number>(r).fill(fallback);
  if (v.length !== r) throw new Error(`attribute "${name}" has ${v.length} values, expected ${r}`);
  return v;
}

function withList(ctx: ImportContext, node: NodeProto, name: string, r: number, fallback: number): number[] {
  try {
    return listOr(node, name, r, fallback);
  } catch (e) {
    return ctx.fail(node, e instanceof Error ? e.message : String(e));
  }
}

const conv: Converter = (ctx, node) => {
  const x = ctx.dyn(node, 0, 'the input');
  const w = ctx.constOf(node, 1, 'the weight').tensor;
  const b = ctx.optConst(node, 2, 'the bias')?.tensor;
  const r = w.shape.length - 2;
  if (r < 1 || r > 3) ctx.fail(node, `weight of rank ${w.shape.length} (only 1D, 2D and 3D convolutions are supported)`);
  const kernel = attrInts(node, 'kernel_shape') ?? w.shape.slice(2);
  const stride = withList(ctx, node, 'strides', r, 1);
  const dilation = withList(ctx, node, 'dilations', r, 1);
  const pads = spatialPads(ctx, node, x.shape, kernel, stride, dilation);
  const attrs = { filters: w.shape[0], kernel, stride, dilation, groups: attrInt(node, 'group', 1), pads, autoPad: 'none', ceil: false, bias: b !== undefined };
  ctx.set(node, ctx.emit(node, `Conv${r}D`, [x], attrs, b ? { weight: w, bias: b } : { weight: w }));
};

const convTranspose: Converter = (ctx, node) => {
  const x = ctx.dyn(node, 0, 'the input');
  const w = ctx.constOf(node, 1, 'the weight').tensor;
  const b = ctx.optConst(node, 2, 'the bias')?.tensor;
  if (w.shape.length !== 4) ctx.fail(node, `only 2D transposed convolutions are supported (weight rank ${w.shape.length})`);
  if (attrInts(node, 'output_shape')) ctx.fail(node, 'attribute output_shape is not supported; give pads and output_padding');
  if (attrString(node, 'auto_pad', 'NOTSET') !== 'NOTSET') ctx.fail(node, 'auto_pad is not supported for ConvTranspose');
  const groups = attrInt(node, 'group', 1);
  const attrs = {
    filters: w.shape[1] * groups,
    kernel: attrInts(node, 'kernel_shape') ?? w.shape.slice(2),
    stride: withList(ctx, node, 'strides', 2, 1),
    pads: withList(ctx, node, 'pads', 4, 0),
    outputPadding: withList(ctx, node, 'output_padding', 2, 0),
    dilation: withList(ctx, node, 'dilations', 2, 1),
    groups,
    bias: b !== undefined,
  };
  ctx.set(node, ctx.emit(node, 'ConvTranspose2D', [x], attrs, b ? { weight: w, bias: b } : { weight: w }));
};

function pool(kind: 'Max' | 'Avg'): Converter {
  return (ctx, node) => {
    const x = ctx.dyn(node, 0, 'the input');
    const indices = node.output?.[1];
    if (indices && (ctx.uses.get(indices) ?? 0) > 0) ctx.fail(node, 'the Indices output is read by the graph; that is not supported');
    const kernel = ctx.need(node, attrInts(node, 'kernel_shape'), 'attribute kernel_shape is missing');
    const r = kernel.length;
    if (r < 1 || r > 3) ctx.fail(node, `${r}-D pooling is not supported`);
    const stride = withList(ctx, node, 'strides', r, 1);
    const dilation = kind === 'Max' ? withList(ctx, node, 'dilations', r, 1) : new Array<number>(r).fill(1);
    if (kind === 'Avg' && attrInts(node, 'dilations')?.some((d) => d !== 1)) ctx.fail(node, 'dilated average pooling is not supported');
    const pads = spatialPads(ctx, node, x.shape, kernel, stride, dilation);
    const attrs: Record<string, number[] | boolean> = { kernel, stride, pads, ceil: attrInt(node, 'ceil_mode', 0) === 1 };
    if (kind === 'Max') attrs.dilation = dilation;
    else attrs.countIncludePad = attrInt(node, 'count_include_pad', 0) === 1;
    ctx.set(node, ctx.emit(node, `${kind}Pool${r}D`, [x], attrs));
  };
}

const globalAvgPool: Converter = (ctx, node) => {
  ctx.set(node, ctx.emit(node, 'GlobalAvgPool', [ctx.dyn(node, 0, 'the input')], {}));
};

const batchNorm: Converter = (ctx, node) => {
  const x = ctx.dyn(node, 0, 'the input');
  for (const o of (node.output ?? []).slice(1)) {
    if (o && (ctx.uses.get(o) ?? 0) > 0) ctx.fail(node, 'training-mode outputs (running mean/var) are read by the graph; that is not supported');
  }
  if (ctx.opset < 7 && attrInt(node, 'spatial', 1) !== 1) ctx.fail(node, 'spatial = 0 is not supported');
  const params = {
    gamma: ctx.constOf(node, 1, 'scale').tensor,
    beta: ctx.constOf(node, 2, 'B').tensor,
    runningMean: ctx.constOf(node, 3, 'mean').tensor,
    runningVar: ctx.constOf(node, 4, 'var').tensor,
  };
  const attrs = { epsilon: attrFloat(node, 'epsilon', 1e-5), momentum: attrFloat(node, 'momentum', 0.9) };
  ctx.set(node, ctx.emit(node, 'BatchNorm', [x], attrs, params));
};

/** Row-major transpose of a 2-D tensor. */
export function transpose2d(t: Tensor): Tensor {
  const [r, c] = t.shape;
  const out = new Tensor([c, r]);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out.data[j * r + i] = t.data[i * c + j];
  return out;
}

function scaled(t: Tensor, s: number): Tensor {
  if (s === 1) return t;
  const out = new Tensor(t.shape);
  for (let i = 0; i < t.size; i++) out.data[i] = t.data[i] * s;
  return out;
}

/** A bias that broadcasts to [units] (scalar, [1], [units] or [1, units]) as a [units] tensor. */
function biasVector(ctx: ImportContext, node: NodeProto, c: Tensor, units: number): Tensor {
  const n = sizeOf(c.shape);
  const lead = c.shape.slice(0, -1);
  if (n === units && lead.every((d) => d === 1)) return new Tensor([units], c.data.slice());
  if (n === 1) return Tensor.full([units], c.data[0]);
  return ctx.fail(node, `bias of shape [${c.shape.join(', ')}] does not broadcast to [${units}] per sample`);
}

const gemm: Converter = (ctx, node) => {
  const x = ctx.dyn(node, 0, 'A');
  const b = ctx.constOf(node, 1, 'B (the weight)').tensor;
  const c = ctx.optConst(node, 2, 'C (the bias)')?.tensor;
  if (attrInt(node, 'transA', 0) !== 0) ctx.fail(node, 'transA = 1 is not supported (A is the batch)');
  if (b.shape.length !== 2) ctx.fail(node, `weight must be 2-D, got [${b.shape.join(', ')}]`);
  const weight = scaled(attrInt(node, 'transB', 0) === 1 ? b : transpose2d(b), attrFloat(node, 'alpha', 1));
  const units = weight.shape[0];
  const params: Record<string, Tensor> = { weight };
  if (c) params.bias = scaled(biasVector(ctx, node, c, units), attrFloat(node, 'beta', 1));
  ctx.set(node, ctx.emit(node, 'Dense', [x], { units, bias: c !== undefined }, params));
};

/** Dense nodes made from MatMul without a bias, which a following Add may complete. */
const biasless = new WeakMap<ImportContext, Set<string>>();

const matmul: Converter = (ctx, node) => {
  const av = ctx.input(node, 0);
  const bv = ctx.input(node, 1);
  // [N, F] x constant [F, units] is a Dense layer; every other product is the core MatMul op.
  if (av?.kind !== 'node' || bv?.kind !== 'const' || av.shape.length !== 2 || bv.tensor.shape.length !== 2) return generalMatMul(ctx, node);
  const x = av;
  const weight = transpose2d(bv.tensor);
  const v = ctx.emit(node, 'Dense', [x], { units: weight.shape[0], bias: false }, { weight });
  let set = biasless.get(ctx);
  if (!set) biasless.set(ctx, (set = new Set()));
  set.add(v.node);
  ctx.set(node, v);
};

/** Add(Dense-from-MatMul, constant) becomes the Dense's bias when nothing else reads the product. */
export function tryFuseBias(ctx: ImportContext, node: NodeProto): boolean {
  if ((node.input?.length ?? 0) !== 2) return false;
  const vals = [ctx.input(node, 0), ctx.input(node, 1)];
  const di = vals.findIndex((v) => v?.kind === 'node' && biasless.get(ctx)?.has(v.node));
  const dv = vals[di];
  const cv = vals[1 - di];
  if (di < 0 || !dv || dv.kind !== 'node' || !cv || cv.kind !== 'const') return false;
  if ((ctx.uses.get(node.input?.[di] ?? '') ?? 0) !== 1) return false;
  const dense = ctx.nodes.find((n) => n.name === dv.node);
  const units = dv.shape[1];
  const c = cv.tensor;
  const lead = c.shape.slice(0, -1);
  if (!dense || !(sizeOf(c.shape) === units && lead.every((d) => d === 1))) return false;
  dense.attrs = { ...dense.attrs, bias: true };
  ctx.weights[dense.name] = { ...ctx.weights[dense.name], bias: new Tensor([units], c.data.slice()) };
  biasless.get(ctx)?.delete(dense.name);
  const fused: NodeValue = { kind: 'node', node: dense.name, shape: dv.shape };
  ctx.set(node, fused);
  return true;
}

const prelu: Converter = (ctx, node) => {
  const x = ctx.dyn(node, 0, 'X');
  const s = ctx.constOf(node, 1, 'slope').tensor;
  // per-sample slope shape: drop leading 1s beyond the per-sample rank
  let shape = s.shape.length === 0 ? [1] : [...s.shape];
  while (shape.length > x.shape.length - 1 && shape[0] === 1 && shape.length > 1) shape = shape.slice(1);
  // Before opset 7, a [C] slope applied per channel (legacy broadcasting); from 7 on it broadcasts numpy-style.
  if (ctx.opset < 7 && shape.length === 1 && shape[0] > 1 && x.shape.length > 2 && shape[0] === x.shape[1]) {
    shape = [shape[0], ...new Array<number>(x.shape.length - 2).fill(1)];
  }
  ctx.set(node, ctx.emit(node, 'PReLU', [x], { slopeShape: shape }, { slope: s.reshape(shape) }));
};

export const layerConverters: Record<string, Converter> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool('Max'),
  AveragePool: pool('Avg'),
  GlobalAveragePool: globalAvgPool,
  BatchNormalization: batchNorm,
  Gemm: gemm,
  MatMul: matmul,
  PRelu: prelu,
};
