/**
 * ConvLab -> ONNX for the layers with weights or windows: Conv1D-3D, ConvTranspose2D, the pools,
 * GlobalAvgPool, BatchNorm (inference form), Dense (Gemm transB=1), LRN and PReLU.
 * Pads are always written explicitly (the core's 'same' and ceil-mode geometry resolved at the
 * exported spatial size), so ONNX Runtime and the core agree on every output position.
 */
import { batchNorm } from '../ops/batch-norm';
import { conv1d, conv2d, conv3d, type ConvAttrs } from '../ops/conv';
import { convTranspose2d } from '../ops/conv-transpose';
import { dense } from '../ops/dense';
import { lrn } from '../ops/lrn';
import { avgPool1d, avgPool2d, avgPool3d, maxPool1d, maxPool2d, maxPool3d, type PoolAttrs } from '../ops/pool';
import type { OpDef } from '../ops/types';
import { windowGeometry } from '../ops/window';
import { Tensor } from '../tensor/tensor';
import { attrFloat, attrInt, attrInts, type ExportArgs, type OpExporter } from './export-context';

/**
 * Explicit ONNX pads for a conv: the core's pads ('same' resolved), with the end pad grown in ceil
 * mode so that ONNX's floor formula gives the core's output size (the extra taps read zeros).
 */
export function convPads(a: ExportArgs, c: ConvAttrs): number[] {
  const spatial = a.inputShapes[0].slice(2);
  const g = windowGeometry(spatial, c);
  const ends = g.padEnd.map((pe, i) => {
    const dk = c.dilation[i] * (c.kernel[i] - 1) + 1;
    return Math.max(pe, (g.outDims[i] - 1) * c.stride[i] + dk - spatial[i] - g.padBegin[i]);
  });
  return [...g.padBegin, ...ends];
}

function conv(op: OpDef<ConvAttrs>): OpExporter {
  return (a) => {
    const c = a.attrs(op);
    const inputs = [a.inputs[0], a.paramInit('weight')];
    if (c.bias) inputs.push(a.paramInit('bias'));
    a.emit(
      'Conv',
      inputs,
      [attrInts('kernel_shape', c.kernel), attrInts('strides', c.stride), attrInts('pads', convPads(a, c)), attrInts('dilations', c.dilation), attrInt('group', c.groups)],
      true,
    );
  };
}

function pool(kind: 'Max' | 'Avg', op: OpDef<PoolAttrs>): OpExporter {
  return (a) => {
    const p = a.attrs(op);
    const attrs = [attrInts('kernel_shape', p.kernel), attrInts('strides', p.stride), attrInts('pads', p.pads), attrInt('ceil_mode', p.ceil ? 1 : 0)];
    if (kind === 'Max') attrs.push(attrInts('dilations', p.dilation));
    else attrs.push(attrInt('count_include_pad', p.countIncludePad ? 1 : 0));
    a.emit(kind === 'Max' ? 'MaxPool' : 'AveragePool', [a.inputs[0]], attrs, true);
  };
}

const convTranspose: OpExporter = (a) => {
  const c = a.attrs(convTranspose2d);
  const inputs = [a.inputs[0], a.paramInit('weight')];
  if (c.bias) inputs.push(a.paramInit('bias'));
  a.emit(
    'ConvTranspose',
    inputs,
    [
      attrInts('kernel_shape', c.kernel),
      attrInts('strides', c.stride),
      attrInts('pads', c.pads),
      attrInts('output_padding', c.outputPadding),
      attrInts('dilations', c.dilation),
      attrInt('group', c.groups),
    ],
    true,
  );
};

const batchNormExport: OpExporter = (a) => {
  const b = a.attrs(batchNorm);
  const inputs = ['gamma', 'beta', 'runningMean', 'runningVar'].map((p) => a.paramInit(p));
  a.emit('BatchNormalization', [a.inputs[0], ...inputs], [attrFloat('epsilon', b.epsilon), attrFloat('momentum', b.momentum)], true);
};

const denseExport: OpExporter = (a) => {
  const d = a.attrs(dense);
  const inputs = [a.inputs[0], a.paramInit('weight')];
  if (d.bias) inputs.push(a.paramInit('bias'));
  a.emit('Gemm', inputs, [attrInt('transB', 1)], true);
};

/**
 * LRN: the ONNX op for odd sizes. ONNX Runtime refuses even sizes, which the core (and the ONNX
 * formula) allow, so those compose it: squares viewed as [N, 1, C, positions], zero-padded on the
 * channel axis by floor((size-1)/2) / ceil((size-1)/2), AveragePool(size x 1, count_include_pad)
 * = square_sum / size, then x / (bias + alpha * that)^beta.
 */
const lrnExport: OpExporter = (a) => {
  const l = a.attrs(lrn);
  const x = a.inputs[0];
  if (l.size % 2 === 1) {
    a.emit('LRN', [x], [attrInt('size', l.size), attrFloat('alpha', l.alpha), attrFloat('beta', l.beta), attrFloat('bias', l.bias)], true);
    return;
  }
  const s = a.inputShapes[0];
  const sq = a.emit('Mul', [x, x], [], 'square');
  const view = a.emit('Reshape', [sq, a.int64Const('view_shape', [0, 1, s[1], -1])], [], 'square_view');
  const pb = Math.floor((l.size - 1) / 2);
  const pe = l.size - 1 - pb;
  const pool = [attrInts('kernel_shape', [l.size, 1]), attrInts('strides', [1, 1]), attrInts('pads', [pb, 0, pe, 0]), attrInt('count_include_pad', 1)];
  const mean = a.emit('AveragePool', [view], pool, 'window_mean');
  const back = a.emit('Reshape', [mean, a.int64Const('shape', [0, ...s.slice(1)])], [], 'window_mean_map');
  const scaled = a.emit('Mul', [back, a.floatConst('alpha', Tensor.from([], [l.alpha]))], [], 'scaled');
  const base = a.emit('Add', [scaled, a.floatConst('bias', Tensor.from([], [l.bias]))], [], 'base');
  const denom = a.emit('Pow', [base, a.floatConst('beta', Tensor.from([], [l.beta]))], [], 'denominator');
  a.emit('Div', [x, denom], [], true);
};

const preluExport: OpExporter = (a) => {
  a.emit('PRelu', [a.inputs[0], a.paramInit('slope')], [], true);
};

export const layerExporters: Readonly<Record<string, OpExporter>> = {
  Conv1D: conv(conv1d),
  Conv2D: conv(conv2d),
  Conv3D: conv(conv3d),
  ConvTranspose2D: convTranspose,
  MaxPool1D: pool('Max', maxPool1d),
  MaxPool2D: pool('Max', maxPool2d),
  MaxPool3D: pool('Max', maxPool3d),
  AvgPool1D: pool('Avg', avgPool1d),
  AvgPool2D: pool('Avg', avgPool2d),
  AvgPool3D: pool('Avg', avgPool3d),
  GlobalAvgPool: (a) => void a.emit('GlobalAveragePool', [a.inputs[0]], [], true),
  BatchNorm: batchNormExport,
  Dense: denseExport,
  LRN: lrnExport,
  PReLU: preluExport,
};
