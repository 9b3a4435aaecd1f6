/**
 * ONNX -> ConvLab converters for data movement and products beyond the layer set:
 *   Slice   constant starts/ends/axes/steps; one core Slice per non-batch axis (StridedSlice where
 *           the step is not 1); the batch axis only whole
 *   MatMul  of computed operands: the core MatMul op (a constant 2-D weight stays Dense, import-ops.ts)
 *   Gather  constant indices on a non-batch axis (Slice, + Reshape for a scalar index); an Embedding
 *           for a constant 2-D table and integer indices
 *   Cast    folded on constants; on a computed tensor only towards Gather indices
 * Anything computed only from constants is folded at import time.
 */
import { getOp } from '../ops/registry';
import { resolveRange } from '../ops/strided-slice';
import { Rng } from '../tensor/rng';
import { Tensor, sizeOf, stridesOf, type Shape } from '../tensor/tensor';
import { TensorProto_DataType, type NodeProto } from './generated/onnx';
import { attrInt, attrInts, constValue, type Converter, type ImportContext, type NodeValue, type Value } from './import-context';

const FOLD_CTX = { training: false, rng: new Rng(0) };

function shapeOf(v: Value): Shape {
  return v.kind === 'const' ? v.tensor.shape : v.shape;
}

/** One axis of an ONNX Slice, resolved against the dim it slices (ONNX clamping rules). */
export interface AxisRange {
  axis: number;
  start: number;
  end: number;
  step: number;
  /** Elements the range selects. */
  count: number;
}

/** The Slice's starts/ends/axes/steps (inputs from opset 10, attributes before), resolved per axis. */
function sliceRanges(ctx: ImportContext, node: NodeProto, shape: Shape): AxisRange[] {
  const r = shape.length;
  const starts = ctx.opset >= 10 ? ctx.intsOf(node, 1, 'starts') : ctx.need(node, attrInts(node, 'starts'), 'attribute starts is missing');
  const ends = ctx.opset >= 10 ? ctx.intsOf(node, 2, 'ends') : ctx.need(node, attrInts(node, 'ends'), 'attribute ends is missing');
  const axes = (ctx.opset >= 10 ? (ctx.input(node, 3) ? ctx.intsOf(node, 3, 'axes') : undefined) : attrInts(node, 'axes')) ?? starts.map((_, i) => i);
  const steps = (ctx.opset >= 10 && ctx.input(node, 4) ? ctx.intsOf(node, 4, 'steps') : undefined) ?? starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    ctx.fail(node, `starts, ends, axes and steps differ in length (${starts.length}, ${ends.length}, ${axes.length}, ${steps.length})`);
  }
  const seen = new Set<number>();
  return starts.map((st, i) => {
    const axis = axes[i] < 0 ? axes[i] + r : axes[i];
    if (axis < 0 || axis >= r || seen.has(axis)) ctx.fail(node, `axis ${axes[i]} is out of range or repeated for ${shape.join('x')}`);
    seen.add(axis);
    if (steps[i] === 0) ctx.fail(node, `step 0 on axis ${axis}`);
    const res = resolveRange(shape[axis], st, ends[i], steps[i]);
    if (res.count === 0) ctx.fail(node, `[${st}:${ends[i]}:${steps[i]}] on axis ${axis} of ${shape.join('x')} selects nothing`);
    return { axis, step: steps[i], ...res };
  });
}

/** A constant sliced along several axes (any steps). */
function sliceConst(t: Tensor, ranges: AxisRange[]): Tensor {
  const shape = t.shape.map((d, i) => ranges.find((r) => r.axis === i)?.count ?? d);
  const st = stridesOf(t.shape);
  const first = t.shape.map((_, i) => ranges.find((r) => r.axis === i)?.start ?? 0);
  const step = t.shape.map((_, i) => ranges.find((r) => r.axis === i)?.step ?? 1);
  const out = new Tensor(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let p = 0; p < out.size; p++) {
    let off = 0;
    for (let d = 0; d < shape.length; d++) off += (first[d] + idx[d] * step[d]) * st[d];
    out.data[p] = t.data[off];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

const sliceOp: Converter = (ctx, node) => {
  const v = ctx.need(node, ctx.input(node, 0), 'the data input is missing');
  const ranges = sliceRanges(ctx, node, shapeOf(v));
  if (v.kind === 'const') {
    const t = sliceConst(v.tensor, ranges);
    const ints = v.ints && v.tensor.shape.length === 1 ? Array.from(t.data) : undefined;
    return ctx.set(node, constValue(t, ints));
  }
  const out = ctx.outName(node);
  let x: NodeValue = v;
  const kept = ranges.filter((r) => {
    if (r.axis !== 0) return true;
    // The batch axis may only be "sliced" whole (exporters write [0:INT64_MAX] or [0:N] there).
    if (r.step !== 1 || r.start !== 0 || r.count !== v.shape[0]) ctx.fail(node, `slices the batch axis ([${r.start}:${r.end}:${r.step}] of ${v.shape[0]}); ConvLab keeps the batch whole`);
    return false;
  });
  if (kept.length === 0) return ctx.set(node, x);
  kept.forEach((r, i) => {
    const name = i === kept.length - 1 ? out : `${out}/axis${r.axis}`;
    // Step 1 is the core Slice; other steps StridedSlice, its end written so ONNX reads it back the same
    // (a negative step that runs past index 0 resolves to end -1, which ONNX would read as dim - 1).
    const dim = x.shape[r.axis];
    if (r.step === 1) x = ctx.emit(node, 'Slice', [x], { axis: r.axis, start: r.start, end: r.start + r.count }, {}, name);
    else x = ctx.emit(node, 'StridedSlice', [x], { axis: r.axis, start: r.start, end: r.end < 0 ? -(dim + 1) : r.end, step: r.step }, {}, name);
  });
  ctx.set(node, x);
};

/** MatMul where the weight is not a constant 2-D matrix: the core MatMul op (or folded). */
export function generalMatMul(ctx: ImportContext, node: NodeProto): void {
  const a = ctx.need(node, ctx.input(node, 0), 'A is missing');
  const b = ctx.need(node, ctx.input(node, 1), 'B is missing');
  if (shapeOf(a).length < 2 || shapeOf(b).length < 2) ctx.fail(node, `1-D operands are not supported (${shapeOf(a).join('x')} x ${shapeOf(b).join('x')})`);
  if (a.kind === 'const' && b.kind === 'const') {
    const def = getOp('MatMul');
    try {
      return ctx.set(node, constValue(def.forward([a.tensor, b.tensor], {}, def.parseAttrs({}), FOLD_CTX).output));
    } catch (e) {
      return ctx.fail(node, `folding constants: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  ctx.set(node, ctx.emit(node, 'MatMul', [ctx.dyn(node, 0, 'A'), ctx.dyn(node, 1, 'B')], {}));
}

/** Gather along `axis` of a constant (any indices, negative ones counted from the end). */
function gatherConst(t: Tensor, axis: number, idx: number[], idxShape: Shape): Tensor {
  const outer = sizeOf(t.shape.slice(0, axis));
  const n = t.shape[axis];
  const inner = sizeOf(t.shape.slice(axis + 1));
  const out = new Tensor([...t.shape.slice(0, axis), ...idxShape, ...t.shape.slice(axis + 1)]);
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (const raw of idx) {
      const i = raw < 0 ? raw + n : raw;
      out.data.set(t.data.subarray((o * n + i) * inner, (o * n + i + 1) * inner), p);
      p += inner;
    }
  }
  return out;
}

/** Gather(constant table [vocab, dim], integer indices) along axis 0: an Embedding layer. */
function embeddingOf(ctx: ImportContext, node: NodeProto, data: Value, indices: NodeValue, axis: number): void {
  const name = node.input?.[1] ?? '';
  if (data.kind !== 'const' || axis !== 0 || data.tensor.shape.length !== 2) {
    return ctx.fail(node, 'indices computed by the graph are only supported with a constant 2-D table gathered along axis 0 (an embedding)');
  }
  if (!ctx.integer.has(name)) ctx.fail(node, `indices "${name}" are not an integer graph input or a Cast to an integer type`);
  const [vocab, dim] = data.tensor.shape;
  ctx.set(node, ctx.emit(node, 'Embedding', [indices], { vocab, dim }, { weight: data.tensor }));
}

const gatherOp: Converter = (ctx, node) => {
  const data = ctx.need(node, ctx.input(node, 0), 'data is missing');
  const indices = ctx.need(node, ctx.input(node, 1), 'indices are missing');
  const ds = shapeOf(data);
  let axis = attrInt(node, 'axis', 0);
  if (axis < 0) axis += ds.length;
  if (axis < 0 || axis >= ds.length) ctx.fail(node, `axis ${attrInt(node, 'axis', 0)} is out of range for ${ds.join('x')}`);
  if (indices.kind !== 'const') return embeddingOf(ctx, node, data, indices, axis);
  const idx = indices.ints ?? Array.from(indices.tensor.data);
  const bad = idx.find((i) => !Number.isInteger(i) || i < -ds[axis] || i >= ds[axis]);
  if (bad !== undefined) ctx.fail(node, `index ${bad} is out of range for axis ${axis} of size ${ds[axis]}`);
  if (data.kind === 'const') {
    const t = gatherConst(data.tensor, axis, idx, indices.tensor.shape);
    const ints = data.ints && data.tensor.shape.length === 1 ? Array.from(t.data) : undefined;
    return ctx.set(node, constValue(t, ints));
  }
  if (axis === 0) ctx.fail(node, 'gathering along the batch axis is not supported');
  // A computed tensor: one index is a Slice of width 1 with the axis dropped; consecutive indices are a Slice.
  const n = ds[axis];
  const norm = idx.map((i) => (i < 0 ? i + n : i));
  const consecutive = norm.length > 0 && norm.every((i, k) => i === norm[0] + k);
  if (!consecutive) ctx.fail(node, `indices [${idx.slice(0, 8).join(', ')}${idx.length > 8 ? ', ...' : ''}] on a computed tensor: only one index or a run of consecutive indices is supported`);
  const out = ctx.outName(node);
  const scalar = indices.tensor.shape.length === 0;
  const sliced = ctx.emit(node, 'Slice', [data], { axis, start: norm[0], end: norm[0] + norm.length }, {}, scalar || indices.tensor.shape.length > 1 ? `${out}/slice` : out);
  if (!scalar && indices.tensor.shape.length === 1) return ctx.set(node, sliced);
  const full = [...ds.slice(0, axis), ...indices.tensor.shape, ...ds.slice(axis + 1)];
  if (full.length < 2) ctx.fail(node, `the result ${full.join('x')} has no per-sample axis left`);
  ctx.set(node, ctx.emit(node, 'Reshape', [sliced], { shape: full.slice(1) }));
};

const castOp: Converter = (ctx, node) => {
  const v = ctx.need(node, ctx.input(node, 0), 'input is missing');
  const to = attrInt(node, 'to', 0);
  const isFloat = to === TensorProto_DataType.FLOAT || to === TensorProto_DataType.DOUBLE || to === TensorProto_DataType.FLOAT16;
  const isIndex = to === TensorProto_DataType.INT64 || to === TensorProto_DataType.INT32;
  if (v.kind !== 'const') {
    const src = node.input?.[0] ?? '';
    const out = ctx.outName(node);
    // Integers back to float are exact; float to int64/int32 truncates, which Embedding does itself.
    if (isFloat && ctx.integer.has(src)) return ctx.set(node, v);
    if (isIndex && ctx.onlyIndices(out)) {
      ctx.integer.add(out);
      return ctx.set(node, v);
    }
    return ctx.fail(node, `casting a computed tensor to type ${to} is only supported where Gather reads the result as indices`);
  }
  if (isFloat) return ctx.set(node, constValue(v.tensor));
  const vals = (v.ints ?? Array.from(v.tensor.data)).map((x) => (to === TensorProto_DataType.BOOL ? (x !== 0 ? 1 : 0) : Math.trunc(x)));
  ctx.set(node, constValue(Tensor.from(v.tensor.shape, vals), vals));
};

export const interopConverters: Record<string, Converter> = {
  Slice: sliceOp,
  Gather: gatherOp,
  Cast: castOp,
};

export { resolveRange };
