/**
 * ConvTranspose2D (ONNX ConvTranspose, 2 spatial axes): the adjoint of a Conv2D with the same
 * kernel/stride/pads/dilation/groups, used as an upsampling layer.
 * Attributes: filters, kernel, stride (1), pads (ONNX order, 0), outputPadding (0), dilation (1),
 * groups (1), bias (true). Weight [C, filters/groups, kh, kw] (ONNX layout), bias [filters].
 *   out = stride*(in-1) + outputPadding + dilation*(k-1) + 1 - pad_begin - pad_end
 * Kernel: cols = W_g^T X_g (GEMM), then col2im into the output (the conv's input-gradient path);
 * backward: cols = im2col(dY), dX_g = W_g cols, dW_g += X_g cols^T.
 */
import { Tensor } from '../tensor/tensor';
import { gemm } from '../tensor/gemm';
import { col2im, im2col, makeGeom3, scratch, type Geom3 } from '../tensor/im2col';
import { bool, int, ints } from './attrs';
import { defineOp, OpError, type ParamSpec } from './types';
import { product, splitInput } from './window';

export interface ConvTransposeAttrs {
  filters: number;
  kernel: number[];
  stride: number[];
  pads: number[];
  outputPadding: number[];
  dilation: number[];
  groups: number;
  bias: boolean;
}

interface Plan {
  n: number;
  c: number;
  cg: number;
  fg: number;
  groups: number;
  /** Rows of the column matrix: F/g * kh * kw. */
  rows: number;
  inSize: number;
  outSize: number;
  outShape: number[];
  /** Conv geometry from the transpose's output (as conv input) to its input (as conv output). */
  geom: Geom3;
}

function plan(shape: readonly number[], a: ConvTransposeAttrs): Plan {
  const { n, c, spatial } = splitInput(shape, 2);
  if (c % a.groups !== 0) throw new OpError(`channels ${c} not divisible by groups ${a.groups}`);
  if (a.filters % a.groups !== 0) throw new OpError(`filters ${a.filters} not divisible by groups ${a.groups}`);
  const out = spatial.map((size, i) => {
    const o = a.stride[i] * (size - 1) + a.outputPadding[i] + a.dilation[i] * (a.kernel[i] - 1) + 1 - a.pads[i] - a.pads[i + 2];
    if (o < 1) throw new OpError(`output size ${o} on axis ${i} is not positive (input ${size}, kernel ${a.kernel[i]}, pads ${a.pads[i]}+${a.pads[i + 2]})`);
    return o;
  });
  const fg = a.filters / a.groups;
  return {
    n,
    c,
    cg: c / a.groups,
    fg,
    groups: a.groups,
    rows: fg * product(a.kernel),
    inSize: product(spatial),
    outSize: product(out),
    outShape: [n, a.filters, ...out],
    geom: makeGeom3(fg, out, spatial, a.kernel, a.stride, a.dilation, a.pads.slice(0, 2)),
  };
}

function parse(raw: Parameters<typeof int>[0]): ConvTransposeAttrs {
  const stride = ints(raw, 'stride', 2, 1, 1);
  const dilation = ints(raw, 'dilation', 2, 1, 1);
  const outputPadding = ints(raw, 'outputPadding', 2, 0, 0);
  outputPadding.forEach((op, i) => {
    if (op >= Math.max(stride[i], dilation[i])) {
      throw new OpError(`outputPadding ${op} must be smaller than stride ${stride[i]} or dilation ${dilation[i]}`);
    }
  });
  return {
    filters: int(raw, 'filters', undefined, 1),
    kernel: ints(raw, 'kernel', 2, undefined, 1),
    stride,
    pads: ints(raw, 'pads', 4, 0, 0),
    outputPadding,
    dilation,
    groups: int(raw, 'groups', 1, 1),
    bias: bool(raw, 'bias', true),
  };
}

export const convTranspose2d = defineOp<ConvTransposeAttrs>({
  type: 'ConvTranspose2D',
  summary: 'Transposed 2-d convolution (learned upsampling; the conv backward pass as a layer).',
  category: 'conv',
  arity: 1,
  parseAttrs: parse,
  params(shapes, a) {
    const p = plan(shapes[0], a);
    const specs: ParamSpec[] = [{ name: 'weight', shape: [p.c, p.fg, ...a.kernel], init: { kind: 'he', fanIn: p.cg * product(a.kernel) }, trainable: true }];
    if (a.bias) specs.push({ name: 'bias', shape: [a.filters], init: { kind: 'constant', value: 0 }, trainable: true });
    return specs;
  },
  inferShape: (shapes, a) => plan(shapes[0], a).outShape,
  forward(inputs, params, a) {
    const x = inputs[0];
    const p = plan(x.shape, a);
    const y = new Tensor(p.outShape);
    const f = a.filters;
    for (let n0 = 0; n0 < p.n; n0++) {
      const ld = p.inSize;
      const cols = scratch('convT.cols', p.rows * ld);
      for (let gi = 0; gi < p.groups; gi++) {
        const xOff = (n0 * p.c + gi * p.cg) * p.inSize;
        gemm(true, false, p.rows, ld, p.cg, 1, params.weight.data, gi * p.cg * p.rows, p.rows, x.data, xOff, ld, 0, cols, 0, ld);
        col2im(cols, ld, 1, p.geom, y.data, (n0 * f + gi * p.fg) * p.outSize, f * p.outSize);
      }
    }
    if (a.bias) {
      for (let i = 0; i < p.n * f; i++) {
        const b = params.bias.data[i % f];
        for (let o = i * p.outSize; o < (i + 1) * p.outSize; o++) y.data[o] += b;
      }
    }
    return { output: y };
  },
  backward(dy, _saved, inputs, params, a) {
    const x = inputs[0];
    const p = plan(x.shape, a);
    const f = a.filters;
    const dx = new Tensor(x.shape);
    const dw = new Tensor(params.weight.shape);
    const ld = p.inSize;
    const cols = scratch('convT.cols', p.rows * ld);
    for (let n0 = 0; n0 < p.n; n0++) {
      for (let gi = 0; gi < p.groups; gi++) {
        im2col(dy.data, (n0 * f + gi * p.fg) * p.outSize, f * p.outSize, 1, p.geom, cols, ld);
        const wOff = gi * p.cg * p.rows;
        const xOff = (n0 * p.c + gi * p.cg) * p.inSize;
        gemm(false, false, p.cg, ld, p.rows, 1, params.weight.data, wOff, p.rows, cols, 0, ld, 0, dx.data, xOff, ld);
        gemm(false, true, p.cg, p.rows, ld, 1, x.data, xOff, ld, cols, 0, ld, 1, dw.data, wOff, p.rows);
      }
    }
    const grads: Record<string, Tensor> = { weight: dw };
    if (a.bias) {
      const db = new Tensor([f]);
      for (let i = 0; i < p.n * f; i++) {
        let s = 0;
        for (let o = i * p.outSize; o < (i + 1) * p.outSize; o++) s += dy.data[o];
        db.data[i % f] += s;
      }
      grads.bias = db;
    }
    return { inputs: [dx], params: grads };
  },
  flops(shapes, a) {
    const p = plan(shapes[0], a);
    return 2 * p.n * p.c * p.inSize * p.rows;
  },
  /** Upsamples: reported with stride 1 (the receptive-field walk has no fractional jump). */
  receptive: (a) => ({ kernel: Math.max(...a.kernel), stride: 1, dilation: Math.max(...a.dilation) }),
});
