/**
 * Backward rules in standard ONNX ops for Conv1D-3D, the max and average pools and GlobalAvgPool.
 *
 *   Conv input-gradient:  stride 1, groups 1, channel counts that are multiples of 8 (so ORT's fast
 *                         blocked NCHWc convolution takes it): a plain Conv of dy with the weight
 *                         transposed [C, F, ...] and flipped along every spatial axis, dilations as the
 *                         forward's, pads (K-1)d - the forward's (measured 1.3-1.8x faster than
 *                         ConvTranspose, whose col2im runs on one thread). Otherwise ConvTranspose(dy, W)
 *                         with the forward's strides, dilations, pads and groups; output_padding =
 *                         size + pads - stride (out - 1) - dilated kernel (in [0, stride)).
 *   Conv weight-gradient, groups 1: columns [N, C*K, P] times dy^T ([N, P, F]) in one batched MatMul,
 *                         summed over N -- a GEMM of the forward's size. The columns come from a
 *                         depthwise Conv of x with one-hot kernels (group C, C*K outputs, the forward's
 *                         strides/dilations/pads: rows c-major, tap-minor, the weight's own layout) when
 *                         C >= 8 (measured 1.1-1.7x faster than the Slice form at C 16-64); for fewer
 *                         channels from strided Slices of the padded input, one per tap, concatenated.
 *                         Grouped: a Conv over transposed tensors: x as [C/g, g*N, ...] (batch as channels),
 *                         dy as [F, N, ...] the kernel, group g, strides = forward dilations,
 *                         dilations = forward strides, the forward's pads; the result [C/g, F, K'] is
 *                         cut to the kernel K and transposed to [F, C/g, K].
 *   MaxPool:              MaxPool's Indices output, then ScatterElements(zeros, indices, dy, add)
 *                         (measured: as fast as an ArgMax or strided-Slice mask form, and exact on ties).
 *   AvgPool:              dy times 1/count per output position (the core's divisor), then a depthwise
 *                         (group C) ConvTranspose with a ones kernel.
 *   GlobalAvgPool:        Expand(dy / positions) to the input shape.
 */
import { conv1d, conv2d, conv3d, type ConvAttrs } from '../ops/conv';
import { avgPool1d, avgPool2d, avgPool3d, maxPool1d, maxPool2d, maxPool3d, planPool, type PoolAttrs } from '../ops/pool';
import type { OpDef } from '../ops/types';
import { windowGeometry } from '../ops/window';
import { Tensor } from '../tensor/tensor';
import { attrInt, attrInts, attrString } from './export-context';
import { convPads } from './export-layers';
import type { TrainArgs, TrainRule } from './train-graph-rule-types';
import type { TrainBuilder } from './train-graph-builder';

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/** output_padding so that ConvTranspose gives back the input size exactly. */
function outputPadding(spatial: readonly number[], out: readonly number[], kernel: readonly number[], stride: readonly number[], dilation: readonly number[], pads: readonly number[]): number[] {
  const r = spatial.length;
  return spatial.map((size, i) => size + pads[i] + pads[i + r] - stride[i] * (out[i] - 1) - (dilation[i] * (kernel[i] - 1) + 1));
}

/** The tap offsets of tap t (row-major over the kernel axes, the weight's layout). */
function tapOffsets(t: number, kernel: readonly number[]): number[] {
  const offs: number[] = [];
  let rest = t;
  for (let i = kernel.length - 1; i >= 0; i--) {
    offs[i] = rest % kernel[i];
    rest = Math.floor(rest / kernel[i]);
  }
  return offs;
}

/** Columns [N, C*K, ...out], c-major and tap-minor, from a depthwise Conv with one-hot kernels. */
function columnsByConv(a: TrainArgs, b: TrainBuilder, c: ConvAttrs, pads: readonly number[]): string {
  const ch = a.inputShapes[0][1];
  const taps = c.kernel.reduce((p, d) => p * d, 1);
  const onehot = new Tensor([ch * taps, 1, ...c.kernel]);
  for (let k = 0; k < ch; k++) for (let t = 0; t < taps; t++) onehot.data[(k * taps + t) * taps + t] = 1;
  const kernel = b.floatTensor(`${a.node.name}/onehot`, onehot);
  const attrs = [attrInts('kernel_shape', c.kernel), attrInts('strides', c.stride), attrInts('dilations', c.dilation), attrInts('pads', pads), attrInt('group', ch)];
  return b.op('Conv', [a.inputs[0], kernel], attrs, `${a.node.name}/cols`);
}

/** Columns [N, K*C, ...out], tap-major, from strided Slices of the padded input (one per tap) and a Concat. */
function columnsBySlices(a: TrainArgs, b: TrainBuilder, c: ConvAttrs, pads: readonly number[]): string {
  const r = c.rank;
  const name = a.node.name;
  const out = a.outputShape.slice(2);
  const taps = c.kernel.reduce((p, d) => p * d, 1);
  if (taps === 1 && c.stride.every((st) => st === 1) && pads.every((p) => p === 0)) return a.inputs[0];
  const padded = pads.some((p) => p > 0) ? b.op('Pad', [a.inputs[0], b.i64([0, 0, ...pads.slice(0, r), 0, 0, ...pads.slice(r)])], [], `${name}/x_pad`) : a.inputs[0];
  const axes = b.i64(range(2, 2 + r));
  const steps = b.i64(c.stride);
  const cols: string[] = [];
  for (let t = 0; t < taps; t++) {
    const starts = tapOffsets(t, c.kernel).map((o, i) => o * c.dilation[i]);
    const ends = starts.map((st, i) => st + c.stride[i] * (out[i] - 1) + 1);
    cols.push(b.op('Slice', [padded, b.i64(starts), b.i64(ends), axes, steps], [], `${name}/tap${t}`));
  }
  // Taps stacked along the channels ([N, K*C, ...out]: whole-block copies), so rows are tap-major.
  return cols.length === 1 ? cols[0] : b.op('Concat', cols, [attrInt('axis', 1)], `${name}/cols`);
}

/** Channels from which the one-hot Conv builds the columns faster than Slices (see the file comment). */
const CONV_COLUMNS_MIN_CHANNELS = 8;

/** dW of an ungrouped conv through explicit columns (see the file comment), any spatial rank. */
function convWeightGradColumns(a: TrainArgs, b: TrainBuilder, c: ConvAttrs, dy: string, pads: readonly number[]): string {
  const name = a.node.name;
  const ch = a.inputShapes[0][1];
  const positions = a.outputShape.slice(2).reduce((p, d) => p * d, 1);
  const taps = c.kernel.reduce((p, d) => p * d, 1);
  const byConv = ch >= CONV_COLUMNS_MIN_CHANNELS && taps > 1;
  const stacked = byConv ? columnsByConv(a, b, c, pads) : columnsBySlices(a, b, c, pads);
  const colsMat = b.reshape(stacked, [-1, taps * ch, positions], `${name}/cols_mat`);
  const dyT = b.op('Transpose', [b.reshape(dy, [-1, c.filters, positions])], [attrInts('perm', [0, 2, 1])], `${name}/dy_t`);
  const perSample = b.op('MatMul', [colsMat, dyT], [], `${name}/dW_n`);
  const summed = b.reduceSum(perSample, [0], false, `${name}/dW_sum`);
  if (byConv) {
    // [C*K, F] (c-major rows) -> [F, C*K] -> the weight's shape.
    return b.reshape(b.op('Transpose', [summed], [attrInts('perm', [1, 0])]), [c.filters, ch, ...c.kernel], `${name}/dW`);
  }
  // [K, C, F] -> [F, C, K] -> the weight's shape.
  return b.reshape(b.op('Transpose', [b.reshape(summed, [taps, ch, c.filters])], [attrInts('perm', [2, 1, 0])]), [c.filters, ch, ...c.kernel], `${name}/dW`);
}

/** dW of a conv (see the file comment), grouped or not, any spatial rank. */
function convWeightGrad(a: TrainArgs, b: TrainBuilder, c: ConvAttrs, dy: string, pads: readonly number[]): string {
  const r = c.rank;
  const x = a.inputs[0];
  const spatial = a.inputShapes[0].slice(2);
  const out = a.outputShape.slice(2);
  const ch = a.inputShapes[0][1];
  const g = c.groups;
  const cg = ch / g;
  const fg = c.filters / g;
  const name = a.node.name;
  const perm = (head: number[]): number[] => [...head, ...range(head.length, head.length + r)];
  if (g === 1) return convWeightGradColumns(a, b, c, dy, pads);
  const xg = b.reshape(x, [-1, g, cg, ...spatial]);
  const xt = b.reshape(b.op('Transpose', [xg], [attrInts('perm', perm([2, 1, 0]))]), [cg, -1, ...spatial], `${name}/x_t`);
  const dyg = b.reshape(dy, [-1, g, fg, ...out]);
  const dyt = b.reshape(b.op('Transpose', [dyg], [attrInts('perm', perm([1, 2, 0]))]), [c.filters, -1, ...out], `${name}/dy_t`);
  let w = b.op('Conv', [xt, dyt], [attrInts('strides', c.dilation), attrInts('dilations', c.stride), attrInts('pads', pads), attrInt('group', g)], `${name}/dW_t`);
  const full = spatial.map((size, i) => Math.floor((size + pads[i] + pads[i + r] - c.stride[i] * (out[i] - 1) - 1) / c.dilation[i]) + 1);
  if (full.some((k, i) => k !== c.kernel[i])) {
    w = b.op('Slice', [w, b.i64(new Array<number>(r).fill(0)), b.i64(c.kernel), b.i64(range(2, 2 + r))], [], `${name}/dW_cut`);
  }
  return b.op('Transpose', [w], [attrInts('perm', perm([1, 0]))], `${name}/dW`);
}

/** Channel multiple that lets ORT run the input-gradient Conv in its blocked (NCHWc) layout. */
const CONV_DX_CHANNEL_BLOCK = 8;

/** dx of a conv (see the file comment). */
function convInputGrad(a: TrainArgs, b: TrainBuilder, c: ConvAttrs, dy: string, pads: readonly number[]): string {
  const r = c.rank;
  const ch = a.inputShapes[0][1];
  const reach = c.kernel.map((k, i) => c.dilation[i] * (k - 1));
  const flipPads = [...reach, ...reach].map((d, i) => d - pads[i]);
  const asConv = c.groups === 1 && c.stride.every((s) => s === 1) && flipPads.every((p) => p >= 0) && ch % CONV_DX_CHANNEL_BLOCK === 0 && c.filters % CONV_DX_CHANNEL_BLOCK === 0;
  const name = a.node.name;
  if (asConv) {
    const wT = b.op('Transpose', [a.paramInit('weight')], [attrInts('perm', [1, 0, ...range(2, 2 + r)])], `${name}/w_t`);
    // Steps -1 over every spatial axis; an end of -(k+1) is "before index 0" after ONNX's end += k.
    const flipped = b.op('Slice', [wT, b.i64(c.kernel.map((k) => k - 1)), b.i64(c.kernel.map((k) => -(k + 1))), b.i64(range(2, 2 + r)), b.i64(new Array<number>(r).fill(-1))], [], `${name}/w_flip`);
    return b.op('Conv', [dy, flipped], [attrInts('kernel_shape', c.kernel), attrInts('dilations', c.dilation), attrInts('pads', flipPads)], `${name}/dx`);
  }
  const adj = outputPadding(a.inputShapes[0].slice(2), a.outputShape.slice(2), c.kernel, c.stride, c.dilation, pads);
  return b.op(
    'ConvTranspose',
    [dy, a.paramInit('weight')],
    [attrInts('strides', c.stride), attrInts('dilations', c.dilation), attrInts('pads', pads), attrInt('group', c.groups), attrInts('output_padding', adj)],
    `${name}/dx`,
  );
}

function convRule(op: OpDef<ConvAttrs>): TrainRule {
  return {
    backward({ a, b, dy, needInput }) {
      const c = a.attrs(op);
      const pads = convPads(a, c);
      const params: Record<string, string> = { weight: convWeightGrad(a, b, c, dy, pads) };
      if (c.bias) params.bias = b.reduceSum(dy, [0, ...range(2, 2 + c.rank)], false, `${a.node.name}/db`);
      if (!needInput[0]) return { inputs: [null], params };
      const dx = convInputGrad(a, b, c, dy, pads);
      return { inputs: [dx], params };
    },
  };
}

function maxPoolRule(op: OpDef<PoolAttrs>): TrainRule {
  return {
    forward(a, b) {
      const p = a.attrs(op);
      const indices = b.ctx.fresh(`${a.node.name}/indices`);
      const attrs = [attrInts('kernel_shape', p.kernel), attrInts('strides', p.stride), attrInts('pads', p.pads), attrInt('ceil_mode', p.ceil ? 1 : 0), attrInts('dilations', p.dilation)];
      b.opTo([a.out, indices], 'MaxPool', [a.inputs[0]], attrs);
      return { saved: { indices } };
    },
    backward({ a, b, dy, saved, needInput }) {
      if (!needInput[0]) return { inputs: [null], params: {} };
      const x = a.inputs[0];
      const name = a.node.name;
      const flat = (v: string, hint: string): string => b.reshape(v, [-1], `${name}/${hint}`);
      const scattered = b.op(
        'ScatterElements',
        [flat(b.zerosLike(x), 'zeros'), flat(saved.indices, 'idx_flat'), flat(dy, 'dy_flat')],
        [attrInt('axis', 0), attrString('reduction', 'add')],
        `${name}/scatter`,
      );
      return { inputs: [b.reshapeLike(scattered, x, `${name}/dx`)], params: {} };
    },
  };
}

/** 1 / (the core's divisor) for every output position of one plane, shaped [1, 1, ...out]. */
function avgScale(a: TrainArgs, p: PoolAttrs): Tensor {
  const spatial = a.inputShapes[0].slice(2);
  const plan = planPool([1, 1, ...spatial], p);
  const { g, tD, tH, tW } = plan;
  const out = new Tensor([1, 1, ...a.outputShape.slice(2)]);
  let o = 0;
  for (let od = 0; od < g.outD; od++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++, o++) {
        const count = p.countIncludePad
          ? tD.hiPad[od] * tH.hiPad[oh] * tW.hiPad[ow]
          : (tD.hi[od] - tD.lo[od]) * (tH.hi[oh] - tH.lo[oh]) * (tW.hi[ow] - tW.lo[ow]);
        out.data[o] = count > 0 ? 1 / count : 0;
      }
    }
  }
  return out;
}

function avgPoolRule(op: OpDef<PoolAttrs>): TrainRule {
  return {
    backward({ a, b, dy, needInput }) {
      if (!needInput[0]) return { inputs: [null], params: {} };
      const p = a.attrs(op);
      const r = p.rank;
      const spatial = a.inputShapes[0].slice(2);
      const out = a.outputShape.slice(2);
      const ch = a.inputShapes[0][1];
      const geo = windowGeometry(spatial, p);
      // Grow the end pad when ceil mode lets the last window run past it, so output_padding stays >= 0.
      const padEnd = geo.padEnd.map((pe, i) => Math.max(pe, p.stride[i] * (out[i] - 1) + p.kernel[i] - geo.padBegin[i] - spatial[i]));
      const pads = [...geo.padBegin, ...padEnd];
      const adj = outputPadding(spatial, out, p.kernel, p.stride, new Array<number>(r).fill(1), pads);
      const name = a.node.name;
      const scaled = b.mul(dy, b.floatTensor(`${name}/inv_count`, avgScale(a, p)), `${name}/dy_scaled`);
      const ones = b.floatTensor(`${name}/ones`, Tensor.full([ch, 1, ...p.kernel], 1));
      const dx = b.op('ConvTranspose', [scaled, ones], [attrInts('strides', p.stride), attrInts('pads', pads), attrInt('group', ch), attrInts('output_padding', adj)], `${name}/dx`);
      return { inputs: [dx], params: {} };
    },
  };
}

const globalAvgRule: TrainRule = {
  backward({ a, b, dy, needInput }) {
    if (!needInput[0]) return { inputs: [null], params: {} };
    const inner = a.inputShapes[0].slice(2).reduce((s, d) => s * d, 1);
    const x = a.inputs[0];
    return { inputs: [b.op('Expand', [b.div(dy, b.f32(inner)), b.shapeOf(x)], [], `${a.node.name}/dx`)], params: {} };
  },
};

export const convRules: Readonly<Record<string, TrainRule>> = {
  Conv1D: convRule(conv1d),
  Conv2D: convRule(conv2d),
  Conv3D: convRule(conv3d),
  MaxPool1D: maxPoolRule(maxPool1d),
  MaxPool2D: maxPoolRule(maxPool2d),
  MaxPool3D: maxPoolRule(maxPool3d),
  AvgPool1D: avgPoolRule(avgPool1d),
  AvgPool2D: avgPoolRule(avgPool2d),
  AvgPool3D: avgPoolRule(avgPool3d),
  GlobalAvgPool: globalAvgRule,
};
