import { describe, expect, it } from 'vitest';
import { binomialFilter, blurPool, maxBlurPool, type BlurAttrs, type MaxBlurAttrs } from '../../../core/ops/blur-pool';
import { Rng } from '../../../core/tensor/rng';
import { Tensor } from '../../../core/tensor/tensor';
import { checkOp } from './oracle';

/** Reference: explicit reflect pad (floor/ceil split) into a new array, then strided depthwise conv. */
function refBlur(x: { shape: readonly number[]; data: ArrayLike<number> }, a: BlurAttrs) {
  const [n, c, h, w] = x.shape;
  const f = a.filterSize;
  const row = { 2: [1, 1], 3: [1, 2, 1], 4: [1, 3, 3, 1], 5: [1, 4, 6, 4, 1] }[f] ?? [];
  const sum = row.reduce((u, v) => u + v, 0);
  const pb = Math.floor((f - 1) / 2);
  const pe = Math.ceil((f - 1) / 2);
  const H = h + pb + pe;
  const W = w + pb + pe;
  const mirror = (i: number, size: number) => (i < 0 ? -i : i >= size ? 2 * size - 2 - i : i);
  const oh = Math.floor((H - f) / a.stride[0]) + 1;
  const ow = Math.floor((W - f) / a.stride[1]) + 1;
  const out = new Float64Array(n * c * oh * ow);
  let o = 0;
  for (let pl = 0; pl < n * c; pl++) {
    const padded = new Float64Array(H * W);
    for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) padded[i * W + j] = x.data[pl * h * w + mirror(i - pb, h) * w + mirror(j - pb, w)];
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        let s = 0;
        for (let u = 0; u < f; u++) for (let v = 0; v < f; v++) s += (row[u] * row[v] * padded[(i * a.stride[0] + u) * W + j * a.stride[1] + v]) / (sum * sum);
        out[o++] = s;
      }
  }
  return { shape: [n, c, oh, ow], data: out };
}

function refMaxBlur(inputs: readonly Tensor[], _p: unknown, a: MaxBlurAttrs) {
  const x = inputs[0];
  const [n, c, h, w] = x.shape;
  const [kh, kw] = a.kernel;
  const mh = h - kh + 1;
  const mw = w - kw + 1;
  const mid = new Float64Array(n * c * mh * mw);
  for (let pl = 0; pl < n * c; pl++)
    for (let i = 0; i < mh; i++)
      for (let j = 0; j < mw; j++) {
        let m = -Infinity;
        for (let u = 0; u < kh; u++) for (let v = 0; v < kw; v++) m = Math.max(m, x.data[pl * h * w + (i + u) * w + j + v]);
        mid[(pl * mh + i) * mw + j] = m;
      }
  return refBlur({ shape: [n, c, mh, mw], data: mid }, a);
}

describe('BlurPool', () => {
  it('binomial filters are normalised', () => {
    for (const f of [2, 3, 4, 5]) expect(binomialFilter(f).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(binomialFilter(3)).toEqual([0.25, 0.5, 0.25]);
  });

  it('matches reflect-pad + depthwise conv reference and finite differences for filterSize 2..5 and strides', () => {
    let seed = 1;
    for (const filterSize of [2, 3, 4, 5]) {
      for (const stride of [1, 2, [2, 3]]) {
        for (const shape of [[2, 3, 6, 7], [1, 2, 5, 4]]) {
          checkOp({ op: blurPool, attrs: { filterSize, stride }, inputs: [shape], reference: (i, _p, a) => refBlur(i[0], a), seed: seed++ });
        }
      }
    }
  });

  it('keeps a constant image constant and halves the size (odd sizes round up)', () => {
    const x = Tensor.full([1, 2, 7, 8], 3);
    const a = blurPool.parseAttrs({ filterSize: 4 });
    const y = blurPool.forward([x], {}, a, { training: false, rng: new Rng(0) }).output;
    expect(y.shape).toEqual([1, 2, 4, 4]);
    for (const v of y.data) expect(v).toBeCloseTo(3, 5);
  });

  it('errors on bad filter size and inputs too small to reflect', () => {
    expect(() => blurPool.parseAttrs({ filterSize: 6 })).toThrow('filterSize must be 2..5, got 6');
    expect(() => blurPool.inferShape([[1, 1, 2, 8]], blurPool.parseAttrs({ filterSize: 5 }))).toThrow(/reflect padding 2 needs spatial size >= 3, got 2/);
  });
});

describe('MaxBlurPool', () => {
  it('matches dense max + blur reference and finite differences', () => {
    let seed = 40;
    for (const kernel of [2, 3]) {
      for (const filterSize of [2, 3, 5]) {
        for (const stride of [2, 1]) {
          checkOp({ op: maxBlurPool, attrs: { kernel, filterSize, stride }, inputs: [[2, 2, 7, 6]], reference: refMaxBlur, gen: 'distinct', seed: seed++ });
        }
      }
    }
  });

  it('defaults: kernel 2, filterSize 3, stride 2', () => {
    const a = maxBlurPool.parseAttrs({});
    expect(a).toEqual({ kernel: [2, 2], filterSize: 3, stride: [2, 2] });
    expect(maxBlurPool.inferShape([[4, 8, 32, 32]], a)).toEqual([4, 8, 16, 16]);
    expect(maxBlurPool.receptive?.(a)).toEqual({ kernel: 4, stride: 2, dilation: 1 });
  });
});
