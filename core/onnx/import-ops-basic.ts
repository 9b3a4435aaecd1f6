/**
 * ONNX -> ConvLab converters for activations, elementwise math, structure (Reshape, Flatten,
 * Squeeze/Unsqueeze, Concat, Transpose, Split, Pad) and constants. Anything computed only from
 * constants is folded at import time.
 */
import { getOp } from '../ops/registry';
import type { AttrValue } from '../ops/types';
import { Rng } from '../tensor/rng';
import { Tensor, sizeOf, stridesOf, type Shape } from '../tensor/tensor';
import { OnnxError } from './errors';
import { TensorProto_DataType, type NodeProto } from './generated/onnx';
import {
  attrFloat,
  attrFloats,
  attrInt,
  attrInts,
  attrString,
  attrTensor,
  constValue,
  hasAttr,
  type ConstValue,
  type Converter,
  type ImportContext,
  type NodeValue,
  type Value,
} from './import-context';
import { tryFuseBias } from './import-ops';
import { checkedDims, intsFromProto, MAX_TENSOR_ELEMENTS, tensorFromProto } from './tensor-proto';

const FOLD_CTX = { training: false, rng: new Rng(0) };

function isInt(t: number | undefined): boolean {
  return t !== undefined && t !== TensorProto_DataType.FLOAT && t !== TensorProto_DataType.DOUBLE && t !== TensorProto_DataType.FLOAT16;
}

/** Runs a core op on constant inputs at import time. */
function fold(ctx: ImportContext, node: NodeProto, op: string, inputs: ConstValue[], attrs: Record<string, AttrValue> = {}): ConstValue {
  const def = getOp(op);
  try {
    const out = def.forward(inputs.map((c) => c.tensor), {}, def.parseAttrs(attrs), FOLD_CTX).output;
    const allInts = inputs.every((c) => c.ints);
    return constValue(out, allInts && ['Add', 'Sub', 'Mul', 'Neg', 'Abs'].includes(op) ? Array.from(out.data, Math.round) : undefined);
  } catch (e) {
    return ctx.fail(node, `folding constants: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function allConst(ctx: ImportContext, node: NodeProto): ConstValue[] | null {
  const vals = (node.input ?? []).map((_, i) => ctx.input(node, i));
  return vals.every((v): v is ConstValue => v?.kind === 'const') ? vals : null;
}

function unary(op: string, attrsOf: (node: NodeProto) => Record<string, AttrValue> = () => ({})): Converter {
  return (ctx, node) => {
    const attrs = attrsOf(node);
    const c = allConst(ctx, node);
    if (c && c.length === 1) return ctx.set(node, fold(ctx, node, op, c, attrs));
    ctx.set(node, ctx.emit(node, op, [ctx.dyn(node, 0, 'the input')], attrs));
  };
}

function elementwise(op: string, arity: 'two' | 'many'): Converter {
  return (ctx, node) => {
    const n = node.input?.length ?? 0;
    if (arity === 'two' && n !== 2) ctx.fail(node, `expects 2 inputs, got ${n}`);
    if (n === 0) ctx.fail(node, 'has no inputs');
    if (ctx.opset < 7 && hasAttr(node, 'broadcast') && hasAttr(node, 'axis')) ctx.fail(node, 'legacy broadcast with an axis is not supported');
    const c = allConst(ctx, node);
    if (c) return ctx.set(node, n === 1 ? c[0] : fold(ctx, node, op, c));
    if (n === 1) return ctx.set(node, ctx.dyn(node, 0));
    if (op === 'Add' && tryFuseBias(ctx, node)) return;
    const inputs = (node.input ?? []).map((_, i) => ctx.dyn(node, i));
    ctx.set(node, ctx.emit(node, op, inputs, {}));
  };
}

function shapeOf(v: Value): Shape {
  return v.kind === 'const' ? v.tensor.shape : v.shape;
}

/** A dynamic value given a new full shape: a Reshape node (the batch dimension must not move). */
function reshapeTo(ctx: ImportContext, node: NodeProto, v: Value, full: Shape): Value {
  if (sizeOf(full) !== sizeOf(shapeOf(v))) ctx.fail(node, `cannot reshape ${shapeOf(v).join('x')} to ${full.join('x')}`);
  if (v.kind === 'const') return constValue(v.tensor.reshape(full), v.ints);
  if (full.length < 2 || full[0] !== v.shape[0]) {
    ctx.fail(node, `reshaping ${v.shape.join('x')} to ${full.join('x')} changes the batch dimension, which a ConvLab graph keeps first`);
  }
  return ctx.emit(node, 'Reshape', [v], { shape: full.slice(1) });
}

const reshape: Converter = (ctx, node) => {
  const v = ctx.need(node, ctx.input(node, 0), 'input is missing');
  const target = ctx.need(node, ctx.opset >= 5 ? ctx.intsOf(node, 1, 'shape') : attrInts(node, 'shape'), 'no target shape');
  const inShape = shapeOf(v);
  const allowZero = attrInt(node, 'allowzero', 0) === 1;
  const dims = target.map((d, i) => (d === 0 && !allowZero ? (i < inShape.length ? inShape[i] : ctx.fail(node, `shape entry ${i} copies a missing dim`)) : d));
  const free = dims.filter((d) => d === -1).length;
  if (free > 1 || dims.some((d) => d < -1)) ctx.fail(node, `invalid target shape [${target.join(', ')}]`);
  if (free === 1) {
    const known = dims.reduce((a, d) => (d === -1 ? a : a * d), 1);
    const total = sizeOf(inShape);
    if (known === 0 || total % known !== 0) ctx.fail(node, `cannot reshape ${inShape.join('x')} to [${target.join(', ')}]`);
    dims[dims.indexOf(-1)] = total / known;
  }
  ctx.set(node, reshapeTo(ctx, node, v, dims));
};

function axesOf(ctx: ImportContext, node: NodeProto): number[] | undefined {
  return ctx.opset >= 13 ? (ctx.input(node, 1) ? ctx.intsOf(node, 1, 'axes') : undefined) : attrInts(node, 'axes');
}

const squeeze: Converter = (ctx, node) => {
  const v = ctx.need(node, ctx.input(node, 0), 'input is missing');
  const s = shapeOf(v);
  const axes = (axesOf(ctx, node) ?? s.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => (a < 0 ? a + s.length : a));
  if (axes.some((a) => a < 0 || a >= s.length || s[a] !== 1)) ctx.fail(node, `cannot squeeze axes [${axes.join(', ')}] of ${s.join('x')}`);
  ctx.set(node, reshapeTo(ctx, node, v, s.filter((_, i) => !axes.includes(i))));
};

const unsqueeze: Converter = (ctx, node) => {
  const v = ctx.need(node, ctx.input(node, 0), 'input is missing');
  const s = shapeOf(v);
  const axes = ctx.need(node, axesOf(ctx, node), 'axes are missing');
  const rank = s.length + axes.length;
  const norm = axes.map((a) => (a < 0 ? a + rank : a));
  if (norm.some((a) => a < 0 || a >= rank) || new Set(norm).size !== norm.length) ctx.fail(node, `invalid axes [${axes.join(', ')}]`);
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(norm.includes(i) ? 1 : s[k++]);
  ctx.set(node, reshapeTo(ctx, node, v, out));
};

const flatten: Converter = (ctx, node) => {
  const v = ctx.need(node, ctx.input(node, 0), 'input is missing');
  const s = shapeOf(v);
  let axis = attrInt(node, 'axis', 1);
  if (axis < 0) axis += s.length;
  if (axis < 0 || axis > s.length) ctx.fail(node, `axis ${axis} out of range for ${s.join('x')}`);
  if (v.kind === 'const' || axis === 0) return ctx.set(node, reshapeTo(ctx, node, v, [sizeOf(s.slice(0, axis)), sizeOf(s.slice(axis))]));
  ctx.set(node, ctx.emit(node, 'Flatten', [v], { axis }));
};

function permute(t: Tensor, perm: number[]): Tensor {
  const shape = perm.map((p) => t.shape[p]);
  const st = stridesOf(t.shape);
  const out = new Tensor(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let p = 0; p < out.size; p++) {
    let off = 0;
    for (let d = 0; d < shape.length; d++) off += idx[d] * st[perm[d]];
    out.data[p] = t.data[off];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

const transposeOp: Converter = (ctx, node) => {
  const v = ctx.need(node, ctx.input(node, 0), 'input is missing');
  const r = shapeOf(v).length;
  const perm = attrInts(node, 'perm') ?? Array.from({ length: r }, (_, i) => r - 1 - i);
  if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) ctx.fail(node, `perm [${perm.join(', ')}] is not a permutation of ${r} axes`);
  if (v.kind === 'const') return ctx.set(node, constValue(permute(v.tensor, perm)));
  if (perm[0] !== 0) ctx.fail(node, `perm [${perm.join(', ')}] moves the batch axis; only transposes that keep it first can be imported`);
  ctx.set(node, ctx.emit(node, 'Transpose', [v], { perm }));
};

const concat: Converter = (ctx, node) => {
  const vals = (node.input ?? []).map((_, i) => ctx.input(node, i)).filter((v): v is Value => v !== undefined);
  if (vals.length === 0) ctx.fail(node, 'has no inputs');
  const r = shapeOf(vals[0]).length;
  let axis = attrInt(node, 'axis', ctx.opset < 4 ? 1 : NaN);
  if (Number.isNaN(axis)) ctx.fail(node, 'attribute axis is missing');
  if (axis < 0) axis += r;
  if (vals.every((v) => v.kind === 'const')) {
    const c = fold(ctx, node, 'Concat', vals.filter((v): v is ConstValue => v.kind === 'const'), { axis });
    const ints = vals.every((v) => v.kind === 'const' && v.ints) ? vals.flatMap((v) => (v.kind === 'const' ? (v.ints ?? []) : [])) : undefined;
    return ctx.set(node, constValue(c.tensor, r === 1 ? ints : undefined));
  }
  if (axis === 0) ctx.fail(node, 'concatenating along the batch axis is not supported');
  const inputs = (node.input ?? []).map((_, i) => ctx.dyn(node, i));
  ctx.set(node, inputs.length === 1 ? inputs[0] : ctx.emit(node, 'Concat', inputs, { axis }));
};

/** Softmax/LogSoftmax. Before opset 13 they normalise over all axes from `axis` on (coerced to 2-D). */
function softmaxLike(op: 'Softmax' | 'LogSoftmax'): Converter {
  return (ctx, node) => {
    const x = ctx.dyn(node, 0, 'the input');
    const r = x.shape.length;
    let axis = attrInt(node, 'axis', ctx.opset >= 13 ? -1 : 1);
    if (axis < 0) axis += r;
    if (axis < 0 || axis >= r) ctx.fail(node, `axis ${axis} out of range for ${x.shape.join('x')}`);
    if (ctx.opset >= 13 || axis === r - 1) return ctx.set(node, ctx.emit(node, op, [x], { axis }));
    if (axis === 0) ctx.fail(node, 'normalising across the batch (axis 0) is not supported');
    const out = ctx.outName(node);
    const flat = ctx.emit(node, 'Reshape', [x], { shape: [...x.shape.slice(1, axis), sizeOf(x.shape.slice(axis))] }, {}, `${out}/flat`);
    const y = ctx.emit(node, op, [flat], { axis: -1 }, {}, `${out}/${op.toLowerCase()}`);
    ctx.set(node, ctx.emit(node, 'Reshape', [y], { shape: x.shape.slice(1) }));
  };
}

const split: Converter = (ctx, node) => {
  const x = ctx.dyn(node, 0, 'the input');
  let axis = attrInt(node, 'axis', 0);
  if (axis < 0) axis += x.shape.length;
  if (axis <= 0 || axis >= x.shape.length) ctx.fail(node, `cannot split axis ${axis} of ${x.shape.join('x')} (the batch axis stays whole)`);
  const outs = node.output ?? [];
  const sizes = (ctx.opset >= 13 ? (ctx.input(node, 1) ? ctx.intsOf(node, 1, 'split') : undefined) : attrInts(node, 'split')) ?? [];
  const n = x.shape[axis];
  const parts = sizes.length > 0 ? sizes : new Array<number>(outs.length).fill(n / outs.length);
  if (parts.length !== outs.length || parts.some((p) => !Number.isInteger(p) || p <= 0) || parts.reduce((a, b) => a + b, 0) !== n) {
    ctx.fail(node, `cannot split ${n} along axis ${axis} into [${parts.join(', ')}]`);
  }
  let start = 0;
  outs.forEach((o, i) => {
    if (o) ctx.set(node, ctx.emit(node, 'Slice', [x], { axis, start, end: start + parts[i] }, {}, o), i);
    start += parts[i];
  });
};

const padOp: Converter = (ctx, node) => {
  const x = ctx.dyn(node, 0, 'the input');
  const mode = attrString(node, 'mode', 'constant');
  if (mode !== 'constant' && mode !== 'reflect' && mode !== 'edge') ctx.fail(node, `mode "${mode}" is not supported`);
  const pads = ctx.need(node, ctx.opset >= 11 ? ctx.intsOf(node, 1, 'pads') : (attrInts(node, 'pads') ?? attrInts(node, 'paddings')), 'pads are missing');
  if (ctx.opset >= 18 && ctx.input(node, 3)) ctx.fail(node, 'the axes input is not supported');
  const cv = ctx.opset >= 11 ? ctx.optConst(node, 2, 'constant_value') : undefined;
  const value = ctx.opset >= 11 ? (cv ? cv.tensor.data[0] : 0) : attrFloat(node, 'value', 0);
  ctx.set(node, ctx.emit(node, 'Pad', [x], { pads, mode, value }));
};

const dropout: Converter = (ctx, node) => {
  const mask = node.output?.[1];
  if (mask && (ctx.uses.get(mask) ?? 0) > 0) ctx.fail(node, 'the mask output is read by the graph; that is not supported');
  const rate = ctx.opset >= 12 ? (ctx.input(node, 1) ? ctx.constOf(node, 1, 'ratio').tensor.data[0] : 0.5) : attrFloat(node, 'ratio', 0.5);
  ctx.set(node, ctx.emit(node, 'Dropout', [ctx.dyn(node, 0, 'the input')], { rate }));
};

const identity: Converter = (ctx, node) => {
  const v = ctx.need(node, ctx.input(node, 0), 'input is missing');
  ctx.set(node, v);
};

function fromProto(ctx: ImportContext, node: NodeProto, t: Parameters<typeof tensorFromProto>[0]): ConstValue {
  try {
    const tensor = tensorFromProto(t);
    return constValue(tensor, isInt(t.dataType) ? intsFromProto(t, MAX_TENSOR_ELEMENTS).values : undefined);
  } catch (e) {
    if (e instanceof OnnxError) ctx.fail(node, e.message);
    throw e;
  }
}

const constantOp: Converter = (ctx, node) => {
  const t = attrTensor(node, 'value');
  if (t) return ctx.set(node, fromProto(ctx, node, t));
  if (hasAttr(node, 'value_float')) return ctx.set(node, constValue(Tensor.from([], [attrFloat(node, 'value_float', 0)])));
  const floats = attrFloats(node, 'value_floats');
  if (floats) return ctx.set(node, constValue(Tensor.from([floats.length], floats)));
  if (hasAttr(node, 'value_int')) {
    const i = attrInt(node, 'value_int', 0);
    return ctx.set(node, constValue(Tensor.from([], [i]), [i]));
  }
  const ints = attrInts(node, 'value_ints');
  if (ints) return ctx.set(node, constValue(Tensor.from([ints.length], ints), ints));
  ctx.fail(node, 'only tensor, float(s) and int(s) constants are supported');
};

const constantOfShape: Converter = (ctx, node) => {
  const dims = ctx.intsOf(node, 0, 'shape');
  const { size } = checkedDimsOr(ctx, node, dims);
  const t = attrTensor(node, 'value');
  const fill = t ? fromProto(ctx, node, t) : undefined;
  if (fill && fill.tensor.size !== 1) ctx.fail(node, 'value must hold one element');
  const v = fill ? fill.tensor.data[0] : 0;
  const out = Tensor.full(dims, v);
  ctx.set(node, constValue(out, t && isInt(t.dataType) ? new Array<number>(size).fill(v) : undefined));
};

function checkedDimsOr(ctx: ImportContext, node: NodeProto, dims: number[]): { size: number } {
  try {
    return checkedDims({ dims, name: ctx.outName(node) });
  } catch (e) {
    if (e instanceof OnnxError) ctx.fail(node, e.message);
    throw e;
  }
}

const shapeOp: Converter = (ctx, node) => {
  const v = ctx.need(node, ctx.input(node, 0), 'input is missing');
  const s = [...shapeOf(v)];
  ctx.set(node, constValue(Tensor.from([s.length], s), s));
};

export const basicConverters: Record<string, Converter> = {
  Relu: unary('ReLU'),
  LeakyRelu: unary('LeakyReLU', (n) => ({ alpha: attrFloat(n, 'alpha', 0.01) })),
  Sigmoid: unary('Sigmoid'),
  Tanh: unary('Tanh'),
  Gelu: (ctx, node) => {
    if (attrString(node, 'approximate', 'none') !== 'none') ctx.fail(node, 'only approximate = "none" is supported');
    unary('GELU')(ctx, node);
  },
  Elu: unary('ELU', (n) => ({ alpha: attrFloat(n, 'alpha', 1) })),
  Selu: unary('SELU', (n) => ({ alpha: attrFloat(n, 'alpha', 1.67326319217681884765625), gamma: attrFloat(n, 'gamma', 1.05070102214813232421875) })),
  Softplus: unary('Softplus'),
  Softsign: unary('Softsign'),
  Neg: unary('Neg'),
  Exp: unary('Exp'),
  Abs: unary('Abs'),
  Softmax: softmaxLike('Softmax'),
  LogSoftmax: softmaxLike('LogSoftmax'),
  LRN: (ctx, node) => {
    const attrs = { size: attrInt(node, 'size', 0), alpha: attrFloat(node, 'alpha', 1e-4), beta: attrFloat(node, 'beta', 0.75), bias: attrFloat(node, 'bias', 1) };
    ctx.set(node, ctx.emit(node, 'LRN', [ctx.dyn(node, 0, 'the input')], attrs));
  },
  Add: elementwise('Add', 'two'),
  Sum: elementwise('Add', 'many'),
  Mul: elementwise('Mul', 'two'),
  Sub: elementwise('Sub', 'two'),
  Div: elementwise('Div', 'two'),
  Reshape: reshape,
  Flatten: flatten,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Transpose: transposeOp,
  Concat: concat,
  Split: split,
  Pad: padOp,
  Dropout: dropout,
  Identity: identity,
  Constant: constantOp,
  ConstantOfShape: constantOfShape,
  Shape: shapeOp,
};

export type { NodeValue };
