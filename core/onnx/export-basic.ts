/**
 * ConvLab -> ONNX for activations, elementwise math and structure: one standard op each, with the
 * core's defaults made explicit (axes resolved, Reshape targets as int64 initializers with 0 for
 * the dynamic batch, Transpose's default perm spelled out). Dropout exports in inference form
 * (ONNX Dropout without training_mode is the identity, and keeps the rate for a re-import).
 */
import { concat } from '../ops/concat';
import { dropout } from '../ops/dropout';
import { elu } from '../ops/elu';
import { flatten } from '../ops/flatten';
import { leakyRelu } from '../ops/leaky-relu';
import { logSoftmax } from '../ops/log-softmax';
import { pad } from '../ops/pad';
import { selu } from '../ops/selu';
import { slice } from '../ops/slice';
import { softmax } from '../ops/softmax';
import { transpose } from '../ops/transpose';
import { Tensor } from '../tensor/tensor';
import { attrFloat, attrInt, attrInts, attrString, type ExportArgs, type OpExporter } from './export-context';

function axisOf(a: ExportArgs, axis: number, rank: number, allowEnd = false): number {
  const r = axis < 0 ? axis + rank : axis;
  if (r < 0 || r > rank || (r === rank && !allowEnd)) a.refuse(`axis ${axis} is out of range for rank ${rank}`);
  return r;
}

function simple(opType: string): OpExporter {
  return (a) => void a.emit(opType, a.inputs, [], true);
}

/** A float scalar initializer (shape []). */
export function scalar(a: ExportArgs, what: string, v: number): string {
  return a.floatConst(what, Tensor.from([], [v]));
}

const softmaxLike =
  (opType: 'Softmax' | 'LogSoftmax'): OpExporter =>
  (a) => {
    const { axis } = a.attrs(opType === 'Softmax' ? softmax : logSoftmax);
    const rank = a.inputShapes[0].length;
    const r = axisOf(a, axis, rank);
    // Before 13, (Log)Softmax normalises over all axes from `axis` on: the same only for the last axis.
    if (r !== rank - 1) a.requireOpset(13, `${opType} over axis ${r} of a rank-${rank} input (before opset 13 it normalises over axes ${r}..${rank - 1} together)`);
    a.emit(opType, [a.inputs[0]], [attrInt('axis', r)], true);
  };

const reshapeExport: OpExporter = (a) => {
  // The per-sample target with -1 and 0 resolved from the inferred shape; 0 keeps the dynamic batch.
  const target = [0, ...a.outputShape.slice(1)];
  a.emit('Reshape', [a.inputs[0], a.int64Const('shape', target)], [], true);
};

const transposeExport: OpExporter = (a) => {
  const r = a.inputShapes[0].length;
  const { perm } = a.attrs(transpose);
  const full = perm.length > 0 ? perm : [0, ...Array.from({ length: r - 1 }, (_, i) => r - 1 - i)];
  a.emit('Transpose', [a.inputs[0]], [attrInts('perm', full)], true);
};

const sliceExport: OpExporter = (a) => {
  const s = a.attrs(slice);
  const axis = axisOf(a, s.axis, a.inputShapes[0].length);
  const ins = [a.inputs[0], a.int64Const('starts', [s.start]), a.int64Const('ends', [s.end]), a.int64Const('axes', [axis])];
  a.emit('Slice', ins, [], true);
};

const padExport: OpExporter = (a) => {
  const p = a.attrs(pad);
  const ins = [a.inputs[0], a.int64Const('pads', p.pads)];
  if (p.mode === 'constant') ins.push(scalar(a, 'value', p.value));
  a.emit('Pad', ins, [attrString('mode', p.mode)], true);
};

const addExport: OpExporter = (a) => {
  a.emit(a.inputs.length === 2 ? 'Add' : 'Sum', a.inputs, [], true);
};

const constExport: OpExporter = (a) => {
  a.outputInit(a.param('value'));
};

export const basicExporters: Readonly<Record<string, OpExporter>> = {
  ReLU: simple('Relu'),
  LeakyReLU: (a) => void a.emit('LeakyRelu', a.inputs, [attrFloat('alpha', a.attrs(leakyRelu).alpha)], true),
  Sigmoid: simple('Sigmoid'),
  Tanh: simple('Tanh'),
  Softmax: softmaxLike('Softmax'),
  LogSoftmax: softmaxLike('LogSoftmax'),
  Identity: simple('Identity'),
  Dropout: (a) => {
    // The ratio is an input from opset 12, an attribute before.
    const rate = a.attrs(dropout).rate;
    if (a.opset >= 12) a.emit('Dropout', [a.inputs[0], scalar(a, 'ratio', rate)], [], true);
    else a.emit('Dropout', [a.inputs[0]], [attrFloat('ratio', rate)], true);
  },
  Flatten: (a) => {
    const axis = axisOf(a, a.attrs(flatten).axis, a.inputShapes[0].length, true);
    a.emit('Flatten', a.inputs, [attrInt('axis', axis)], true);
  },
  Concat: (a) => {
    const axis = axisOf(a, a.attrs(concat).axis, a.inputShapes[0].length);
    a.emit('Concat', a.inputs, [attrInt('axis', axis)], true);
  },
  Add: addExport,
  Mul: simple('Mul'),
  Sub: simple('Sub'),
  Div: simple('Div'),
  Reshape: reshapeExport,
  Transpose: transposeExport,
  Slice: sliceExport,
  Pad: padExport,
  ELU: (a) => void a.emit('Elu', a.inputs, [attrFloat('alpha', a.attrs(elu).alpha)], true),
  SELU: (a) => {
    const s = a.attrs(selu);
    a.emit('Selu', a.inputs, [attrFloat('alpha', s.alpha), attrFloat('gamma', s.gamma)], true);
  },
  Softplus: simple('Softplus'),
  Softsign: simple('Softsign'),
  Neg: simple('Neg'),
  Exp: simple('Exp'),
  Abs: simple('Abs'),
  Const: constExport,
};
