/**
 * Conv1D / Conv2D / Conv3D: one N-d implementation (spatial rank 1..3), NCHW / NCDHW.
 * Attributes: filters, kernel, stride (1), dilation (1), groups (1; groups = channels is
 * depthwise), pads (ONNX order, 0), autoPad ('none' | 'same' = SAME_UPPER), ceil (false), bias (true).
 * Params: weight [filters, C/groups, ...kernel] (He init), bias [filters] (zeros).
 *
 * Kernel: im2col over a chunk of the batch (one wide column matrix per group), then GEMM
 * W_g [F/g, C/g*K] x cols [C/g*K, images*outSize]. Backward recomputes the columns:
 *   dW_g += dY_g cols^T,   dcols = W_g^T dY_g,   dx = col2im(dcols),   db = sum dY.
 * 1x1 (pointwise) and depthwise convolutions take the direct paths in conv-fast.ts. Where
 * WebAssembly SIMD exists (always on Node/Electron) the general case runs without the column
 * matrix through conv-panels.ts; the im2col route below stays as the portable path.
 */
import { Tensor } from '../tensor/tensor';
import { gemm } from '../tensor/gemm';
import { col2im, im2col, makeGeom3, scratch, type Geom3 } from '../tensor/im2col';
import { bool, int } from './attrs';
import { panelConvBackward, panelConvForward } from './conv-panels';
import { simdAvailable } from '../tensor/gemm-simd';
import { depthwiseBackward, depthwiseForward, isDepthwise, isPointwise, pointwiseBackward, pointwiseForward } from './conv-fast';
import { defineOp, OpError, type OpDef, type ParamSpec, type RawAttrs } from './types';
import { parseWindow, product, splitInput, windowGeometry, windowReceptive, type WindowAttrs } from './window';

export interface ConvAttrs extends WindowAttrs {
  filters: number;
  groups: number;
  bias: boolean;
}

/** Columns per chunk are capped so the column matrix stays near 16 MB. */
const COLS_LIMIT = 1 << 22;

export function parseConvAttrs(raw: RawAttrs, rank: number): ConvAttrs {
  const w = parseWindow(raw, rank, { strideDefault: 'one', dilation: true, autoPad: true });
  return { ...w, filters: int(raw, 'filters', undefined, 1), groups: int(raw, 'groups', 1, 1), bias: bool(raw, 'bias', true) };
}

export interface ConvPlan {
  n: number;
  c: number;
  f: number;
  groups: number;
  cg: number;
  fg: number;
  /** Rows of the column matrix: C/g * prod(kernel). */
  rows: number;
  inSize: number;
  outSize: number;
  outShape: number[];
  geom: Geom3;
}

export function planConv(shape: readonly number[], a: ConvAttrs): ConvPlan {
  const { n, c, spatial } = splitInput(shape, a.rank);
  if (c % a.groups !== 0) throw new OpError(`channels ${c} not divisible by groups ${a.groups}`);
  if (a.filters % a.groups !== 0) throw new OpError(`filters ${a.filters} not divisible by groups ${a.groups}`);
  const g = windowGeometry(spatial, a);
  const cg = c / a.groups;
  return {
    n,
    c,
    f: a.filters,
    groups: a.groups,
    cg,
    fg: a.filters / a.groups,
    rows: cg * product(a.kernel),
    inSize: product(spatial),
    outSize: product(g.outDims),
    outShape: [n, a.filters, ...g.outDims],
    geom: makeGeom3(cg, spatial, g.outDims, a.kernel, a.stride, a.dilation, g.padBegin),
  };
}

function checkWeight(p: ConvPlan, a: ConvAttrs, weight: Tensor): void {
  const want = [p.f, p.cg, ...a.kernel];
  if (weight.shape.length !== want.length || weight.shape.some((d, i) => d !== want[i])) {
    throw new OpError(`input has ${p.c} channels, weight is ${weight.shape.join('x')} but should be ${want.join('x')}`);
  }
}

function chunkImages(p: ConvPlan): number {
  return Math.max(1, Math.min(p.n, Math.floor(COLS_LIMIT / Math.max(1, p.rows * p.outSize))));
}

export function convForward(x: Tensor, weight: Tensor, bias: Tensor | undefined, a: ConvAttrs): Tensor {
  const p = planConv(x.shape, a);
  checkWeight(p, a, weight);
  const y = new Tensor(p.outShape);
  if (isPointwise(p)) {
    pointwiseForward(p, x.data, weight.data, y.data);
    if (bias) for (let i = 0; i < p.n * p.f; i++) for (let o = i * p.outSize; o < (i + 1) * p.outSize; o++) y.data[o] += bias.data[i % p.f];
    return y;
  }
  if (isDepthwise(p)) {
    if (bias) for (let i = 0; i < p.n * p.f; i++) y.data.fill(bias.data[i % p.f], i * p.outSize, (i + 1) * p.outSize);
    depthwiseForward(p, x.data, weight.data, y.data);
    return y;
  }
  if (simdAvailable() && panelConvForward(p, x.data, weight.data, bias ? bias.data : null, y.data)) return y;
  return convForwardIm2col(p, x, weight, bias, y);
}

/** The portable route: im2col per chunk and group, then one GEMM. */
export function convForwardIm2col(p: ConvPlan, x: Tensor, weight: Tensor, bias: Tensor | undefined, y: Tensor): Tensor {
  const nb = chunkImages(p);
  const cols = scratch('conv.cols', p.rows * nb * p.outSize);
  const ymat = scratch('conv.ymat', p.fg * nb * p.outSize);
  for (let n0 = 0; n0 < p.n; n0 += nb) {
    const imgs = Math.min(nb, p.n - n0);
    const ld = imgs * p.outSize;
    for (let gi = 0; gi < p.groups; gi++) {
      im2col(x.data, n0 * p.c * p.inSize + gi * p.cg * p.inSize, p.c * p.inSize, imgs, p.geom, cols, ld);
      gemm(false, false, p.fg, ld, p.rows, 1, weight.data, gi * p.fg * p.rows, p.rows, cols, 0, ld, 0, ymat, 0, ld);
      for (let f = 0; f < p.fg; f++) {
        const ch = gi * p.fg + f;
        const b = bias ? bias.data[ch] : 0;
        for (let i = 0; i < imgs; i++) {
          const dst = ((n0 + i) * p.f + ch) * p.outSize;
          const src = f * ld + i * p.outSize;
          for (let o = 0; o < p.outSize; o++) y.data[dst + o] = ymat[src + o] + b;
        }
      }
    }
  }
  return y;
}

export interface ConvGrads {
  dx: Tensor;
  dw: Tensor;
  db: Tensor | null;
}

export interface ConvGradsMaybeDx {
  dx: Tensor | null;
  dw: Tensor;
  db: Tensor | null;
}

/** convBackward that skips the input gradient when it is not needed (a conv right after the graph input). */
export function convBackwardFor(dy: Tensor, x: Tensor, weight: Tensor, withBias: boolean, a: ConvAttrs, needDx: boolean): ConvGradsMaybeDx {
  const p = planConv(x.shape, a);
  if (isPointwise(p) || isDepthwise(p) || !simdAvailable()) return convBackward(dy, x, weight, withBias, a);
  const dx = needDx ? new Tensor(x.shape) : null;
  const dw = new Tensor(weight.shape);
  const db = withBias ? new Tensor([p.f]) : null;
  if (!panelConvBackward(p, dy.data, x.data, weight.data, dx ? dx.data : null, dw.data, db ? db.data : null)) return convBackward(dy, x, weight, withBias, a);
  return { dx, dw, db };
}

/** All three gradients; the general case through conv-panels.ts where SIMD exists. */
export function convBackward(dy: Tensor, x: Tensor, weight: Tensor, withBias: boolean, a: ConvAttrs): ConvGrads {
  const p = planConv(x.shape, a);
  if (!isPointwise(p) && !isDepthwise(p) && simdAvailable()) {
    const g = { dx: new Tensor(x.shape), dw: new Tensor(weight.shape), db: withBias ? new Tensor([p.f]) : null };
    if (panelConvBackward(p, dy.data, x.data, weight.data, g.dx.data, g.dw.data, g.db ? g.db.data : null)) return g;
  }
  return convBackwardIm2col(dy, x, weight, withBias, a);
}

/** The portable route (im2col, two GEMMs, col2im). */
export function convBackwardIm2col(dy: Tensor, x: Tensor, weight: Tensor, withBias: boolean, a: ConvAttrs): ConvGrads {
  const p = planConv(x.shape, a);
  const dx = new Tensor(x.shape);
  const dw = new Tensor(weight.shape);
  const db = withBias ? new Tensor([p.f]) : null;
  if (isPointwise(p) || isDepthwise(p)) {
    if (db) for (let i = 0; i < p.n * p.f; i++) for (let o = i * p.outSize; o < (i + 1) * p.outSize; o++) db.data[i % p.f] += dy.data[o];
    if (isPointwise(p)) pointwiseBackward(p, dy.data, x.data, weight.data, dx.data, dw.data);
    else depthwiseBackward(p, dy.data, x.data, weight.data, dx.data, dw.data);
    return { dx, dw, db };
  }
  const nb = chunkImages(p);
  const cols = scratch('conv.cols', p.rows * nb * p.outSize);
  const dymat = scratch('conv.ymat', p.fg * nb * p.outSize);
  for (let n0 = 0; n0 < p.n; n0 += nb) {
    const imgs = Math.min(nb, p.n - n0);
    const ld = imgs * p.outSize;
    for (let gi = 0; gi < p.groups; gi++) {
      for (let f = 0; f < p.fg; f++) {
        const ch = gi * p.fg + f;
        let s = 0;
        for (let i = 0; i < imgs; i++) {
          const src = ((n0 + i) * p.f + ch) * p.outSize;
          const dst = f * ld + i * p.outSize;
          for (let o = 0; o < p.outSize; o++) {
            const v = dy.data[src + o];
            dymat[dst + o] = v;
            s += v;
          }
        }
        if (db) db.data[ch] += s;
      }
      const xOff = n0 * p.c * p.inSize + gi * p.cg * p.inSize;
      im2col(x.data, xOff, p.c * p.inSize, imgs, p.geom, cols, ld);
      const wOff = gi * p.fg * p.rows;
      gemm(false, true, p.fg, p.rows, ld, 1, dymat, 0, ld, cols, 0, ld, 1, dw.data, wOff, p.rows);
      gemm(true, false, p.rows, ld, p.fg, 1, weight.data, wOff, p.rows, dymat, 0, ld, 0, cols, 0, ld);
      col2im(cols, ld, imgs, p.geom, dx.data, xOff, p.c * p.inSize);
    }
  }
  return { dx, dw, db };
}

function makeConv(rank: 1 | 2 | 3): OpDef<ConvAttrs> {
  const type = `Conv${rank}D`;
  return defineOp<ConvAttrs>({
    type,
    summary: `${rank}-d convolution with stride, padding ('same' or explicit), dilation, groups and optional bias.`,
    category: 'conv',
    arity: 1,
    parseAttrs: (raw) => parseConvAttrs(raw, rank),
    params(shapes, a) {
      const p = planConv(shapes[0], a);
      const specs: ParamSpec[] = [{ name: 'weight', shape: [a.filters, p.cg, ...a.kernel], init: { kind: 'he', fanIn: p.rows }, trainable: true }];
      if (a.bias) specs.push({ name: 'bias', shape: [a.filters], init: { kind: 'constant', value: 0 }, trainable: true });
      return specs;
    },
    inferShape: (shapes, a) => planConv(shapes[0], a).outShape,
    forward(inputs, params, a) {
      return { output: convForward(inputs[0], params.weight, a.bias ? params.bias : undefined, a) };
    },
    backward(dy, _saved, inputs, params, a, needInput) {
      const g = convBackwardFor(dy, inputs[0], params.weight, a.bias, a, needInput?.[0] ?? true);
      const grads: Record<string, Tensor> = { weight: g.dw };
      if (g.db) grads.bias = g.db;
      return { inputs: [g.dx], params: grads };
    },
    flops(shapes, a) {
      const p = planConv(shapes[0], a);
      return 2 * p.n * p.f * p.outSize * p.rows;
    },
    receptive: (a) => windowReceptive(a),
  });
}

export const conv1d = makeConv(1);
export const conv2d = makeConv(2);
export const conv3d = makeConv(3);
