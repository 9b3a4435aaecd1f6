/**
 * Anti-aliased downsampling (Zhang 2019, "Making Convolutional Networks Shift-Invariant Again").
 *
 * BlurPool: attrs filterSize (2..5, default 3), stride (default 2). Each channel is blurred with the
 * normalised outer product of the binomial row [1,1], [1,2,1], [1,3,3,1] or [1,4,6,4,1] and
 * subsampled by `stride`. Padding follows the paper's code (antialiased_cnns.BlurPool,
 * pad_type='reflect', pad_off=0): on each spatial axis reflect-pad floor((f-1)/2) at the begin and
 * ceil((f-1)/2) at the end (reflect = mirror without repeating the edge, ONNX Pad mode 'reflect'),
 * then a depthwise conv without padding. So the ONNX export is
 *   Pad(mode=reflect, pads=[0,0,pb,pb, 0,0,pe,pe]) -> Conv(group=C, strides=[s,s], W[c,0] = filter)
 * and the output size is floor((size - 1) / stride) + 1 per axis.
 *
 * MaxBlurPool: attrs kernel (default 2), filterSize (default 3), stride (default 2): dense max pool
 * (kernel, stride 1, no padding) followed by BlurPool(filterSize, stride), as MaxBlurPool2d in the paper.
 */
import { Tensor } from '../tensor/tensor';
import { int, ints } from './attrs';
import { defineOp, OpError } from './types';
import { maxPoolBackward, maxPoolForward, planPool } from './pool';
import { splitInput, type WindowAttrs } from './window';

const BINOMIAL: Record<number, number[]> = { 2: [1, 1], 3: [1, 2, 1], 4: [1, 3, 3, 1], 5: [1, 4, 6, 4, 1] };

/** The normalised 1-d binomial row; the 2-d filter is its outer product with itself. */
export function binomialFilter(size: number): number[] {
  const row = BINOMIAL[size];
  if (!row) throw new OpError(`filterSize must be 2..5, got ${size}`);
  const s = row.reduce((a, b) => a + b, 0);
  return row.map((v) => v / s);
}

export function blurPads(filterSize: number): { begin: number; end: number } {
  return { begin: Math.floor((filterSize - 1) / 2), end: Math.ceil((filterSize - 1) / 2) };
}

export interface BlurAttrs {
  filterSize: number;
  stride: number[];
}

interface BlurPlan {
  planes: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
  /** Reflected input index per (output index, tap), per axis. */
  rows: Int32Array;
  colsIdx: Int32Array;
  filt: number[];
}

function reflect(i: number, size: number): number {
  if (i < 0) return -i;
  if (i >= size) return 2 * (size - 1) - i;
  return i;
}

function planBlur(shape: readonly number[], a: BlurAttrs): BlurPlan {
  const { n, c, spatial } = splitInput(shape, 2);
  const f = a.filterSize;
  const { begin, end } = blurPads(f);
  const [h, w] = spatial;
  for (const size of spatial) {
    if (size <= end) throw new OpError(`reflect padding ${end} needs spatial size >= ${end + 1}, got ${size}`);
  }
  const oh = Math.floor((h - 1) / a.stride[0]) + 1;
  const ow = Math.floor((w - 1) / a.stride[1]) + 1;
  const table = (out: number, size: number, s: number): Int32Array => {
    const t = new Int32Array(out * f);
    for (let o = 0; o < out; o++) for (let k = 0; k < f; k++) t[o * f + k] = reflect(o * s - begin + k, size);
    return t;
  };
  return { planes: n * c, h, w, oh, ow, rows: table(oh, h, a.stride[0]), colsIdx: table(ow, w, a.stride[1]), filt: binomialFilter(f) };
}

function blurForward(x: Float32Array, p: BlurPlan): Float32Array {
  const f = p.filt.length;
  const y = new Float32Array(p.planes * p.oh * p.ow);
  let o = 0;
  for (let plane = 0; plane < p.planes; plane++) {
    const base = plane * p.h * p.w;
    for (let i = 0; i < p.oh; i++) {
      for (let j = 0; j < p.ow; j++, o++) {
        let s = 0;
        for (let u = 0; u < f; u++) {
          const row = base + p.rows[i * f + u] * p.w;
          let r = 0;
          for (let v = 0; v < f; v++) r += p.filt[v] * x[row + p.colsIdx[j * f + v]];
          s += p.filt[u] * r;
        }
        y[o] = s;
      }
    }
  }
  return y;
}

function blurBackward(dy: Float32Array, p: BlurPlan): Float32Array {
  const f = p.filt.length;
  const dx = new Float32Array(p.planes * p.h * p.w);
  let o = 0;
  for (let plane = 0; plane < p.planes; plane++) {
    const base = plane * p.h * p.w;
    for (let i = 0; i < p.oh; i++) {
      for (let j = 0; j < p.ow; j++, o++) {
        const g = dy[o];
        for (let u = 0; u < f; u++) {
          const row = base + p.rows[i * f + u] * p.w;
          const gu = g * p.filt[u];
          for (let v = 0; v < f; v++) dx[row + p.colsIdx[j * f + v]] += gu * p.filt[v];
        }
      }
    }
  }
  return dx;
}

function parseBlur(raw: Parameters<typeof int>[0], filterDefault: number): BlurAttrs {
  const filterSize = int(raw, 'filterSize', filterDefault);
  binomialFilter(filterSize);
  return { filterSize, stride: ints(raw, 'stride', 2, 2, 1) };
}

export const blurPool = defineOp<BlurAttrs>({
  type: 'BlurPool',
  summary: 'Anti-aliased downsampling: depthwise binomial blur (reflect padding) then subsample (Zhang 2019).',
  category: 'pool',
  arity: 1,
  parseAttrs: (raw) => parseBlur(raw, 3),
  params: () => [],
  inferShape(shapes, a) {
    const p = planBlur(shapes[0], a);
    return [shapes[0][0], shapes[0][1], p.oh, p.ow];
  },
  forward(inputs, _params, a) {
    const x = inputs[0];
    const p = planBlur(x.shape, a);
    return { output: new Tensor([x.shape[0], x.shape[1], p.oh, p.ow], blurForward(x.data, p)) };
  },
  backward(dy, _saved, inputs, _params, a) {
    const x = inputs[0];
    return { inputs: [new Tensor(x.shape, blurBackward(dy.data, planBlur(x.shape, a)))], params: {} };
  },
  flops(shapes, a) {
    const p = planBlur(shapes[0], a);
    return 2 * p.planes * p.oh * p.ow * a.filterSize * a.filterSize;
  },
  receptive: (a) => ({ kernel: a.filterSize, stride: Math.max(...a.stride), dilation: 1 }),
});

export interface MaxBlurAttrs extends BlurAttrs {
  kernel: number[];
}

function maxWindow(a: MaxBlurAttrs): WindowAttrs {
  return { rank: 2, kernel: a.kernel, stride: [1, 1], dilation: [1, 1], pads: [0, 0, 0, 0], autoPad: 'none', ceil: false };
}

export const maxBlurPool = defineOp<MaxBlurAttrs>({
  type: 'MaxBlurPool',
  summary: 'Anti-aliased max pooling: dense max (stride 1), binomial blur, subsample (Zhang 2019).',
  category: 'pool',
  arity: 1,
  parseAttrs: (raw) => ({ ...parseBlur(raw, 3), kernel: ints(raw, 'kernel', 2, 2, 1) }),
  params: () => [],
  inferShape(shapes, a) {
    const mid = planPool(shapes[0], maxWindow(a)).outShape;
    const p = planBlur(mid, a);
    return [mid[0], mid[1], p.oh, p.ow];
  },
  forward(inputs, _params, a) {
    const x = inputs[0];
    const mid = maxPoolForward(x, planPool(x.shape, maxWindow(a))).y;
    const p = planBlur(mid.shape, a);
    return { output: new Tensor([x.shape[0], x.shape[1], p.oh, p.ow], blurForward(mid.data, p)) };
  },
  /** Recomputes the (cheap) dense max to find the argmax. */
  backward(dy, _saved, inputs, _params, a) {
    const x = inputs[0];
    const { y: mid, argmax } = maxPoolForward(x, planPool(x.shape, maxWindow(a)));
    const dmid = new Tensor(mid.shape, blurBackward(dy.data, planBlur(mid.shape, a)));
    return { inputs: [maxPoolBackward(dmid, argmax, x.shape)], params: {} };
  },
  flops(shapes, a) {
    const mid = planPool(shapes[0], maxWindow(a));
    const p = planBlur(mid.outShape, a);
    return mid.planes * mid.outSize * a.kernel[0] * a.kernel[1] + 2 * p.planes * p.oh * p.ow * a.filterSize * a.filterSize;
  },
  receptive: (a) => ({ kernel: Math.max(...a.kernel) + a.filterSize - 1, stride: Math.max(...a.stride), dilation: 1 }),
});
