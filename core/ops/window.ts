/**
 * Sliding-window geometry shared by the conv and pool ops: attribute parsing (kernel, stride,
 * dilation, pads in ONNX order, autoPad 'same' = SAME_UPPER, ceil mode) and output sizes.
 *
 *   out = floor((size + pb + pe - dilation*(k-1) - 1) / stride) + 1          (ceil: ceil(...) + 1)
 *
 * In ceil mode a last window that would start inside the end padding is dropped (ONNX / PyTorch
 * rule: every window starts inside the input or the begin padding).
 */
import { bool, ints, str } from './attrs';
import { OpError, type RawAttrs, type ReceptiveInfo } from './types';
import { shapeToString, type Shape } from '../tensor/tensor';

export interface WindowAttrs {
  rank: number;
  kernel: number[];
  stride: number[];
  dilation: number[];
  /** ONNX order: all begins, then all ends. */
  pads: number[];
  autoPad: 'none' | 'same';
  ceil: boolean;
}

export interface WindowOptions {
  /** Stride default: 1 (conv) or the kernel (pools). */
  strideDefault: 'one' | 'kernel';
  dilation: boolean;
  autoPad: boolean;
  /** Default kernel when the attribute is missing (MaxBlurPool); required otherwise. */
  kernelDefault?: number;
}

export function parseWindow(raw: RawAttrs, rank: number, opts: WindowOptions): WindowAttrs {
  const kernel = ints(raw, 'kernel', rank, opts.kernelDefault, 1);
  const stride = ints(raw, 'stride', rank, opts.strideDefault === 'one' ? 1 : kernel, 1);
  const dilation = opts.dilation ? ints(raw, 'dilation', rank, 1, 1) : new Array<number>(rank).fill(1);
  const pads = ints(raw, 'pads', 2 * rank, 0, 0);
  const autoPad = opts.autoPad ? str(raw, 'autoPad', ['none', 'same'] as const, 'none') : 'none';
  const ceil = bool(raw, 'ceil', false);
  return { rank, kernel, stride, dilation, pads, autoPad, ceil };
}

export interface WindowGeometry {
  inDims: number[];
  outDims: number[];
  padBegin: number[];
  padEnd: number[];
}

/** Output spatial sizes and the effective pads for the given input spatial sizes. */
export function windowGeometry(spatial: readonly number[], w: WindowAttrs): WindowGeometry {
  const outDims: number[] = [];
  const padBegin: number[] = [];
  const padEnd: number[] = [];
  for (let i = 0; i < w.rank; i++) {
    const size = spatial[i];
    const k = w.kernel[i];
    const s = w.stride[i];
    const dk = w.dilation[i] * (k - 1) + 1;
    let pb = w.pads[i];
    let pe = w.pads[i + w.rank];
    if (w.autoPad === 'same') {
      const out = Math.ceil(size / s);
      const total = Math.max(0, (out - 1) * s + dk - size);
      pb = Math.floor(total / 2);
      pe = total - pb;
    }
    if (dk > size + pb + pe) {
      throw new OpError(`kernel ${k} (dilated ${dk}) larger than padded input ${size + pb + pe}`);
    }
    const span = size + pb + pe - dk;
    let out = (w.ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
    if (w.ceil && (out - 1) * s >= size + pb) out--;
    outDims.push(out);
    padBegin.push(pb);
    padEnd.push(pe);
  }
  return { inDims: [...spatial], outDims, padBegin, padEnd };
}

/** Checks an N x C x spatial input of the given spatial rank and returns [N, C, spatial]. */
export function splitInput(shape: Shape, rank: number): { n: number; c: number; spatial: number[] } {
  if (shape.length !== rank + 2) {
    const dims = ['D', 'H', 'W'].slice(3 - rank).join(' x ');
    throw new OpError(`input must be N x C x ${dims} (${rank + 2}-d), got ${shapeToString(shape)}`);
  }
  return { n: shape[0], c: shape[1], spatial: shape.slice(2) };
}

/** The receptive-field entry: the largest kernel/stride/dilation over the spatial axes. */
export function windowReceptive(w: WindowAttrs): ReceptiveInfo {
  const r: ReceptiveInfo = { kernel: Math.max(...w.kernel), stride: Math.max(...w.stride), dilation: Math.max(...w.dilation) };
  const uneven = [w.kernel, w.stride, w.dilation].some((xs) => xs.some((x) => x !== xs[0]));
  // Per-axis entries only when the axes differ (1x3 kernels), so the graph's receptive field stays exact per axis.
  return uneven ? { ...r, axes: w.kernel.map((kernel, i) => ({ kernel, stride: w.stride[i], dilation: w.dilation[i] })) } : r;
}

export function product(xs: readonly number[]): number {
  let p = 1;
  for (const x of xs) p *= x;
  return p;
}
