/**
 * ConvLab units without a single ONNX op, exported as compositions of standard ai.onnx ops (no
 * custom domains), each reproducing the core's forward exactly:
 *   GELU          Gelu from opset 20; below, 0.5 * x * (1 + Erf(x / sqrt 2))
 *   BlurPool      Pad(reflect, floor((f-1)/2) begin, ceil((f-1)/2) end) -> depthwise Conv with the
 *                 normalised binomial filter as an initializer (ops/blur-pool.ts)
 *   MaxBlurPool   MaxPool(kernel, stride 1) -> BlurPool
 *   ChannelShuffle Reshape [N, g, C/g, ...] -> Transpose(0, 2, 1, ...) -> Reshape [N, C, ...]
 *   GraphConv     B = (A != 0), d = max(ReduceSum(B, 1), 1)^-1/2, Â = B * d * d^T,
 *                 H W0 + (Â H) W + b (MatMul); isolated nodes keep only the self term as in the core
 *   NodeMeanPool  ReduceMean over the node axis (keepdims)
 *   NonLocal      1x1 Convs, Reshape to [N, d, P], Transpose, MatMul, Softmax (or Div by P), MatMul,
 *                 Reshape back, 1x1 Conv, Add (residual)
 */
import { binomialFilter, blurPads, blurPool, maxBlurPool, type BlurAttrs } from '../ops/blur-pool';
import { channelShuffle } from '../ops/channel-shuffle';
import { graphConv } from '../ops/graph-conv';
import { nonLocal } from '../ops/non-local';
import { Tensor } from '../tensor/tensor';
import { TensorProto_DataType } from './generated/onnx';
import { attrInt, attrInts, attrString, type ExportArgs, type OpExporter } from './export-context';
import { scalar } from './export-basic';

function product(xs: readonly number[]): number {
  return xs.reduce((p, x) => p * x, 1);
}

const geluExport: OpExporter = (a) => {
  const x = a.inputs[0];
  if (a.opset >= 20) {
    a.emit('Gelu', [x], [attrString('approximate', 'none')], true);
    return;
  }
  const scaled = a.emit('Mul', [x, scalar(a, 'inv_sqrt2', Math.SQRT1_2)], [], 'scaled');
  const erf = a.emit('Erf', [scaled]);
  const onePlus = a.emit('Add', [erf, scalar(a, 'one', 1)], [], 'one_plus');
  const half = a.emit('Mul', [onePlus, scalar(a, 'half', 0.5)], [], 'half');
  a.emit('Mul', [x, half], [], true);
};

/** Reflect-pad + depthwise binomial Conv over `x` (channels c); the last step writes the node output when `last`. */
function blur(a: ExportArgs, x: string, c: number, b: BlurAttrs, last: boolean): string {
  const f = b.filterSize;
  const { begin, end } = blurPads(f);
  const padded = a.emit('Pad', [x, a.int64Const('blur_pads', [0, 0, begin, begin, 0, 0, end, end])], [attrString('mode', 'reflect')], 'blur_pad');
  const row = binomialFilter(f);
  const w = new Tensor([c, 1, f, f]);
  for (let ch = 0; ch < c; ch++) for (let u = 0; u < f; u++) for (let v = 0; v < f; v++) w.data[(ch * f + u) * f + v] = row[u] * row[v];
  const attrs = [attrInts('kernel_shape', [f, f]), attrInts('strides', b.stride), attrInts('pads', [0, 0, 0, 0]), attrInt('group', c)];
  return a.emit('Conv', [padded, a.floatConst('blur_filter', w)], attrs, last ? true : 'blur');
}

const blurPoolExport: OpExporter = (a) => {
  blur(a, a.inputs[0], a.inputShapes[0][1], a.attrs(blurPool), true);
};

const maxBlurPoolExport: OpExporter = (a) => {
  const m = a.attrs(maxBlurPool);
  const pooled = a.emit('MaxPool', [a.inputs[0]], [attrInts('kernel_shape', m.kernel), attrInts('strides', [1, 1]), attrInts('pads', [0, 0, 0, 0])], 'max');
  blur(a, pooled, a.inputShapes[0][1], m, true);
};

const channelShuffleExport: OpExporter = (a) => {
  const { groups } = a.attrs(channelShuffle);
  const s = a.inputShapes[0];
  const c = s[1];
  if (c % groups !== 0) a.refuse(`channels ${c} not divisible by groups ${groups}`);
  const rest = s.slice(2);
  const split = a.emit('Reshape', [a.inputs[0], a.int64Const('split_shape', [0, groups, c / groups, ...rest])], [], 'split');
  const perm = [0, 2, 1, ...rest.map((_, i) => i + 3)];
  const swapped = a.emit('Transpose', [split], [attrInts('perm', perm)], 'swap');
  a.emit('Reshape', [swapped, a.int64Const('shape', [0, c, ...rest])], [], true);
};

/** ReduceSum/ReduceMean axes: an input from opset 13 (ReduceSum) / 18 (ReduceMean), an attribute before. */
function reduce(a: ExportArgs, opType: 'ReduceSum' | 'ReduceMean', x: string, axes: number[], output: boolean | string): string {
  const asInput = opType === 'ReduceSum' ? a.opset >= 13 : a.opset >= 18;
  if (asInput) return a.emit(opType, [x, a.int64Const(`${opType.toLowerCase()}_axes`, axes)], [attrInt('keepdims', 1)], output);
  return a.emit(opType, [x], [attrInts('axes', axes), attrInt('keepdims', 1)], output);
}

const graphConvExport: OpExporter = (a) => {
  const g = a.attrs(graphConv);
  const [h, adj] = a.inputs;
  const isZero = a.emit('Equal', [adj, scalar(a, 'zero', 0)], [], 'is_zero');
  const edge = a.emit('Not', [isZero], [], 'edge');
  const b = a.emit('Cast', [edge], [attrInt('to', TensorProto_DataType.FLOAT)], 'edge_f');
  const deg = reduce(a, 'ReduceSum', b, [1], 'degree');
  const degSafe = a.emit('Max', [deg, scalar(a, 'one', 1)], [], 'degree_safe');
  const dinv = a.emit('Pow', [degSafe, scalar(a, 'minus_half', -0.5)], [], 'deg_inv_sqrt');
  const dinvT = a.emit('Transpose', [dinv], [attrInts('perm', [1, 0])], 'deg_inv_sqrt_t');
  const rows = a.emit('Mul', [b, dinv], [], 'norm_rows');
  const norm = a.emit('Mul', [rows, dinvT], [], 'norm_adj');
  const agg = a.emit('MatMul', [norm, h], [], 'aggregate');
  const self = a.emit('MatMul', [h, a.paramInit('selfWeight')], [], 'self');
  const neigh = a.emit('MatMul', [agg, a.paramInit('weight')], [], 'neighbours');
  if (!g.bias) {
    a.emit('Add', [self, neigh], [], true);
    return;
  }
  const sum = a.emit('Add', [self, neigh], [], 'sum');
  a.emit('Add', [sum, a.paramInit('bias')], [], true);
};

const nodeMeanPoolExport: OpExporter = (a) => {
  reduce(a, 'ReduceMean', a.inputs[0], [0], true);
};

const nonLocalExport: OpExporter = (a) => {
  const nl = a.attrs(nonLocal);
  const x = a.inputs[0];
  const s = a.inputShapes[0];
  const c = s[1];
  const spatial = s.slice(2);
  const p = product(spatial);
  const d = nl.inner > 0 ? nl.inner : Math.max(1, Math.floor(c / 2));
  const k = spatial.map(() => 1);
  const conv1x1 = (which: string, input: string, last: boolean | string): string => {
    const attrs = [attrInts('kernel_shape', k), attrInts('strides', k), attrInts('pads', [...k, ...k].map(() => 0))];
    return a.emit('Conv', [input, a.paramInit(`${which}Weight`), a.paramInit(`${which}Bias`)], attrs, last);
  };
  const flat = (v: string, ch: number, step: string): string => a.emit('Reshape', [v, a.int64Const(`${step}_shape`, [0, ch, p])], [], step);
  const swap = (v: string, step: string): string => a.emit('Transpose', [v], [attrInts('perm', [0, 2, 1])], step);

  const g = flat(conv1x1('g', x, 'g'), d, 'g_flat');
  let sim: string;
  if (nl.mode === 'gaussian') {
    const xf = flat(x, c, 'x_flat');
    sim = a.emit('MatMul', [swap(xf, 'x_t'), xf], [], 'similarity');
  } else {
    const theta = flat(conv1x1('theta', x, 'theta'), d, 'theta_flat');
    const phi = flat(conv1x1('phi', x, 'phi'), d, 'phi_flat');
    sim = a.emit('MatMul', [swap(theta, 'theta_t'), phi], [], 'similarity');
  }
  const attn = nl.mode === 'dot' ? a.emit('Div', [sim, scalar(a, 'positions', p)], [], 'attention') : a.emit('Softmax', [sim], [attrInt('axis', -1)], 'attention');
  const y = a.emit('MatMul', [g, swap(attn, 'attention_t')], [], 'y');
  const y4 = a.emit('Reshape', [y, a.int64Const('y_shape', [0, d, ...spatial])], [], 'y_map');
  if (!nl.residual) {
    conv1x1('out', y4, true);
    return;
  }
  const z = conv1x1('out', y4, 'z');
  a.emit('Add', [z, x], [], true);
};

export const compositeExporters: Readonly<Record<string, OpExporter>> = {
  GELU: geluExport,
  BlurPool: blurPoolExport,
  MaxBlurPool: maxBlurPoolExport,
  ChannelShuffle: channelShuffleExport,
  GraphConv: graphConvExport,
  NodeMeanPool: nodeMeanPoolExport,
  NonLocal: nonLocalExport,
};
