/**
 * MaxPool1D/2D/3D and AvgPool1D/2D/3D (ONNX semantics), one N-d implementation.
 * Attributes: kernel, stride (default = kernel), pads (ONNX order, default 0), ceil (false);
 * max also dilation (1), avg also countIncludePad (false).
 * Max ignores padding (pads read as -inf); a window with no input position yields 0.
 * Avg divides by the number of input positions in the window, or with countIncludePad by the
 * window clipped to the padded extent [-pad_begin, size + pad_end) (PyTorch / ONNX reference).
 * In ceil mode windows that would start in the end padding are dropped (see window.ts).
 */
import { Tensor } from '../tensor/tensor';
import { makeGeom3, type Geom3 } from '../tensor/im2col';
import { bool } from './attrs';
import { defineOp, type OpDef } from './types';
import { parseWindow, product, splitInput, windowGeometry, windowReceptive, type WindowAttrs } from './window';

export interface PoolAttrs extends WindowAttrs {
  countIncludePad: boolean;
}

interface AxisTable {
  /** Input index of kernel tap 0 for each output index. */
  start: Int32Array;
  /** Valid taps [lo, hi) inside the input, and hiPad inside the padded extent. */
  lo: Int32Array;
  hi: Int32Array;
  hiPad: Int32Array;
}

function axisTable(out: number, size: number, k: number, s: number, d: number, pb: number, pe: number): AxisTable {
  const t: AxisTable = { start: new Int32Array(out), lo: new Int32Array(out), hi: new Int32Array(out), hiPad: new Int32Array(out) };
  for (let o = 0; o < out; o++) {
    const st = o * s - pb;
    t.start[o] = st;
    t.lo[o] = Math.max(0, Math.ceil(-st / d));
    t.hi[o] = Math.max(t.lo[o], Math.min(k, Math.floor((size - 1 - st) / d) + 1));
    t.hiPad[o] = Math.min(k, Math.floor((size + pe - 1 - st) / d) + 1);
  }
  return t;
}

export interface PoolPlan {
  planes: number;
  outShape: number[];
  g: Geom3;
  inSize: number;
  outSize: number;
  tD: AxisTable;
  tH: AxisTable;
  tW: AxisTable;
}

export function planPool(shape: readonly number[], a: WindowAttrs): PoolPlan {
  const { n, c, spatial } = splitInput(shape, a.rank);
  const geo = windowGeometry(spatial, a);
  const g = makeGeom3(1, spatial, geo.outDims, a.kernel, a.stride, a.dilation, geo.padBegin);
  const pe3 = [0, 0, 0, ...geo.padEnd].slice(-3);
  return {
    planes: n * c,
    outShape: [n, c, ...geo.outDims],
    g,
    inSize: product(spatial),
    outSize: product(geo.outDims),
    tD: axisTable(g.outD, g.inD, g.kD, g.sD, g.dD, g.pD, pe3[0]),
    tH: axisTable(g.outH, g.inH, g.kH, g.sH, g.dH, g.pH, pe3[1]),
    tW: axisTable(g.outW, g.inW, g.kW, g.sW, g.dW, g.pW, pe3[2]),
  };
}

/** The common 2x2 stride-2 window with every window inside the input (no pads, no dilation, no ceil overhang). */
function isPlain2x2(p: PoolPlan): boolean {
  const g = p.g;
  return g.kD === 1 && g.sD === 1 && g.pD === 0 && g.outD === g.inD && g.kH === 2 && g.kW === 2 && g.sH === 2 && g.sW === 2 &&
    g.dH === 1 && g.dW === 1 && g.pH === 0 && g.pW === 0 && 2 * g.outH <= g.inH && 2 * g.outW <= g.inW;
}

/** maxPoolForward for isPlain2x2: the same taps in the same order (first maximum wins, as below). */
function maxPool2x2(x: Float32Array, p: PoolPlan, y: Float32Array, argmax: Int32Array): void {
  const g = p.g;
  const inW = g.inW;
  const rows = p.planes * g.inD;
  const rowSize = g.inH * inW;
  let o = 0;
  for (let pl = 0; pl < rows; pl++) {
    for (let oh = 0; oh < g.outH; oh++) {
      let i = pl * rowSize + 2 * oh * inW;
      for (let ow = 0; ow < g.outW; ow++, o++, i += 2) {
        let best = x[i];
        let at = i;
        let v = x[i + 1];
        if (v > best) { best = v; at = i + 1; }
        v = x[i + inW];
        if (v > best) { best = v; at = i + inW; }
        v = x[i + inW + 1];
        if (v > best) { best = v; at = i + inW + 1; }
        y[o] = best;
        argmax[o] = at;
      }
    }
  }
}

/** Max over each window; argmax holds the flat input index (or -1) per output element. */
export function maxPoolForward(x: Tensor, p: PoolPlan): { y: Tensor; argmax: Int32Array } {
  const { g, tD, tH, tW } = p;
  const y = new Tensor(p.outShape);
  const argmax = new Int32Array(y.size);
  if (isPlain2x2(p)) {
    maxPool2x2(x.data, p, y.data, argmax);
    return { y, argmax };
  }
  const xd = x.data;
  const yd = y.data;
  const inW = g.inW;
  const inHW = g.inH * inW;
  const [outD, outH, outW, dD, dH, dW] = [g.outD, g.outH, g.outW, g.dD, g.dH, g.dW];
  const { start: sD, lo: loD, hi: hiD } = tD;
  const { start: sH, lo: loH, hi: hiH } = tH;
  const { start: sW, lo: loW, hi: hiW } = tW;
  let o = 0;
  for (let plane = 0; plane < p.planes; plane++) {
    const base = plane * p.inSize;
    for (let od = 0; od < outD; od++) {
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++, o++) {
          let best = -Infinity;
          let at = -1;
          const kwLo = loW[ow];
          const kwHi = hiW[ow];
          for (let kd = loD[od]; kd < hiD[od]; kd++) {
            const rowD = base + (sD[od] + kd * dD) * inHW;
            for (let kh = loH[oh]; kh < hiH[oh]; kh++) {
              const row = rowD + (sH[oh] + kh * dH) * inW + sW[ow];
              for (let kw = kwLo; kw < kwHi; kw++) {
                const i = row + kw * dW;
                const v = xd[i];
                if (v > best || at < 0) {
                  best = v;
                  at = i;
                }
              }
            }
          }
          yd[o] = at < 0 ? 0 : best;
          argmax[o] = at;
        }
      }
    }
  }
  return { y, argmax };
}

export function maxPoolBackward(dy: Tensor, argmax: Int32Array, inShape: readonly number[]): Tensor {
  const dx = new Tensor(inShape);
  for (let o = 0; o < dy.size; o++) {
    const i = argmax[o];
    if (i >= 0) dx.data[i] += dy.data[o];
  }
  return dx;
}

/** Shared walk for avg forward (dir 'fwd') and backward (dir 'bwd'). */
function avgWalk(src: Float32Array, dst: Float32Array, p: PoolPlan, includePad: boolean, dir: 'fwd' | 'bwd'): void {
  const { g, tD, tH, tW } = p;
  const inHW = g.inH * g.inW;
  let o = 0;
  for (let plane = 0; plane < p.planes; plane++) {
    const base = plane * p.inSize;
    for (let od = 0; od < g.outD; od++) {
      for (let oh = 0; oh < g.outH; oh++) {
        for (let ow = 0; ow < g.outW; ow++, o++) {
          const count = includePad
            ? tD.hiPad[od] * tH.hiPad[oh] * tW.hiPad[ow]
            : (tD.hi[od] - tD.lo[od]) * (tH.hi[oh] - tH.lo[oh]) * (tW.hi[ow] - tW.lo[ow]);
          const scale = count > 0 ? 1 / count : 0;
          let s = 0;
          const gv = dir === 'bwd' ? src[o] * scale : 0;
          for (let kd = tD.lo[od]; kd < tD.hi[od]; kd++) {
            const rowD = base + (tD.start[od] + kd * g.dD) * inHW;
            for (let kh = tH.lo[oh]; kh < tH.hi[oh]; kh++) {
              const row = rowD + (tH.start[oh] + kh * g.dH) * g.inW + tW.start[ow];
              if (dir === 'fwd') for (let kw = tW.lo[ow]; kw < tW.hi[ow]; kw++) s += src[row + kw * g.dW];
              else for (let kw = tW.lo[ow]; kw < tW.hi[ow]; kw++) dst[row + kw * g.dW] += gv;
            }
          }
          if (dir === 'fwd') dst[o] = s * scale;
        }
      }
    }
  }
}

export function avgPoolForward(x: Tensor, p: PoolPlan, includePad: boolean): Tensor {
  const y = new Tensor(p.outShape);
  avgWalk(x.data, y.data, p, includePad, 'fwd');
  return y;
}

export function avgPoolBackward(dy: Tensor, p: PoolPlan, inShape: readonly number[], includePad: boolean): Tensor {
  const dx = new Tensor(inShape);
  avgWalk(dy.data, dx.data, p, includePad, 'bwd');
  return dx;
}

function makePool(kind: 'Max' | 'Avg', rank: 1 | 2 | 3): OpDef<PoolAttrs> {
  const isMax = kind === 'Max';
  return defineOp<PoolAttrs>({
    type: `${kind}Pool${rank}D`,
    summary: isMax
      ? `${rank}-d max pooling (kernel, stride, pads, dilation, ceil mode).`
      : `${rank}-d average pooling (kernel, stride, pads, ceil mode, with or without counting padding).`,
    category: 'pool',
    arity: 1,
    parseAttrs(raw) {
      const w = parseWindow(raw, rank, { strideDefault: 'kernel', dilation: isMax, autoPad: false });
      return { ...w, countIncludePad: isMax ? false : bool(raw, 'countIncludePad', false) };
    },
    params: () => [],
    inferShape: (shapes, a) => planPool(shapes[0], a).outShape,
    forward(inputs, _params, a) {
      const p = planPool(inputs[0].shape, a);
      if (isMax) {
        const { y, argmax } = maxPoolForward(inputs[0], p);
        return { output: y, saved: argmax };
      }
      return { output: avgPoolForward(inputs[0], p, a.countIncludePad) };
    },
    backward(dy, saved, inputs, _params, a) {
      if (isMax) {
        const argmax = saved instanceof Int32Array ? saved : maxPoolForward(inputs[0], planPool(inputs[0].shape, a)).argmax;
        return { inputs: [maxPoolBackward(dy, argmax, inputs[0].shape)], params: {} };
      }
      const p = planPool(inputs[0].shape, a);
      return { inputs: [avgPoolBackward(dy, p, inputs[0].shape, a.countIncludePad)], params: {} };
    },
    /** One compare (max) or add (avg) per window tap. */
    flops(shapes, a) {
      const p = planPool(shapes[0], a);
      return p.planes * p.outSize * product(a.kernel);
    },
    receptive: (a) => windowReceptive(a),
  });
}

export const maxPool1d = makePool('Max', 1);
export const maxPool2d = makePool('Max', 2);
export const maxPool3d = makePool('Max', 3);
export const avgPool1d = makePool('Avg', 1);
export const avgPool2d = makePool('Avg', 2);
export const avgPool3d = makePool('Avg', 3);
