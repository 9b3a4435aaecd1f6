/** Naive direct references for the conv-family tests (float64, explicit index arithmetic). */
import type { Tensor } from '../../../core/tensor/tensor';

export interface RefWindow {
  kernel: number[];
  stride: number[];
  dilation: number[];
  padBegin: number[];
  padEnd: number[];
  ceil: boolean;
}

export function refOutSize(size: number, k: number, s: number, d: number, pb: number, pe: number, ceil: boolean): number {
  const span = size + pb + pe - (d * (k - 1) + 1);
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= size + pb) out--;
  return out;
}

/** SAME_UPPER pads computed independently of the core. */
export function samePads(spatial: number[], kernel: number[], stride: number[], dilation: number[]): { pb: number[]; pe: number[] } {
  const pb: number[] = [];
  const pe: number[] = [];
  spatial.forEach((size, i) => {
    const out = Math.ceil(size / stride[i]);
    const total = Math.max(0, (out - 1) * stride[i] + dilation[i] * (kernel[i] - 1) + 1 - size);
    pb.push(Math.floor(total / 2));
    pe.push(total - Math.floor(total / 2));
  });
  return { pb, pe };
}

/** All multi-indices of a shape, in row-major order. */
export function* indices(shape: number[]): Generator<number[]> {
  const n = shape.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < n; flat++) {
    const idx = new Array<number>(shape.length);
    let r = flat;
    for (let i = shape.length - 1; i >= 0; i--) {
      idx[i] = r % shape[i];
      r = Math.floor(r / shape[i]);
    }
    yield idx;
  }
}

function flatIndex(shape: readonly number[], idx: number[]): number {
  let f = 0;
  for (let i = 0; i < shape.length; i++) f = f * shape[i] + idx[i];
  return f;
}

export function refConv(x: Tensor, w: Tensor, bias: Tensor | undefined, groups: number, win: RefWindow): { shape: number[]; data: Float64Array } {
  const [n, c, ...spatial] = x.shape;
  const f = w.shape[0];
  const cg = c / groups;
  const fg = f / groups;
  const out = spatial.map((s, i) => refOutSize(s, win.kernel[i], win.stride[i], win.dilation[i], win.padBegin[i], win.padEnd[i], win.ceil));
  const shape = [n, f, ...out];
  const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
  let o = 0;
  for (const [b, fo, ...pos] of indices(shape)) {
    const g = Math.floor(fo / fg);
    let s = bias ? bias.data[fo] : 0;
    for (let ci = 0; ci < cg; ci++) {
      for (const kk of indices(win.kernel)) {
        const at = pos.map((p, i) => p * win.stride[i] - win.padBegin[i] + kk[i] * win.dilation[i]);
        if (at.some((v, i) => v < 0 || v >= spatial[i])) continue;
        s += x.data[flatIndex(x.shape, [b, g * cg + ci, ...at])] * w.data[flatIndex(w.shape, [fo, ci, ...kk])];
      }
    }
    data[o++] = s;
  }
  return { shape, data };
}
