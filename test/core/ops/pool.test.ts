import { describe, expect, it } from 'vitest';
import { avgPool1d, avgPool2d, avgPool3d, maxPool1d, maxPool2d, maxPool3d, type PoolAttrs } from '../../../core/ops/pool';
import { globalAvgPool } from '../../../core/ops/global-avg-pool';
import type { OpDef, RawAttrs } from '../../../core/ops/types';
import { Tensor } from '../../../core/tensor/tensor';
import { Rng } from '../../../core/tensor/rng';
import { checkOp } from './oracle';
import { indices } from './conv-reference';

/** Direct N-d pooling reference (PyTorch/ONNX semantics written out independently). */
function refPool(kind: 'max' | 'avg') {
  return (inputs: readonly Tensor[], _p: unknown, a: PoolAttrs) => {
    const x = inputs[0];
    const [n, c, ...spatial] = x.shape;
    const r = spatial.length;
    const pb = a.pads.slice(0, r);
    const pe = a.pads.slice(r);
    const out = spatial.map((size, i) => {
      const span = size + pb[i] + pe[i] - (a.dilation[i] * (a.kernel[i] - 1) + 1);
      let o = (a.ceil ? Math.ceil(span / a.stride[i]) : Math.floor(span / a.stride[i])) + 1;
      if (a.ceil && (o - 1) * a.stride[i] >= size + pb[i]) o--;
      return o;
    });
    const shape = [n, c, ...out];
    const data = new Float64Array(shape.reduce((u, v) => u * v, 1));
    let o = 0;
    for (const [b, ch, ...pos] of indices(shape)) {
      let best = -Infinity;
      let sum = 0;
      let count = 0;
      let padCount = 1;
      pos.forEach((p, i) => {
        const st = p * a.stride[i] - pb[i];
        padCount *= Math.min(st + a.kernel[i], spatial[i] + pe[i]) - st;
      });
      for (const kk of indices(a.kernel)) {
        const at = pos.map((p, i) => p * a.stride[i] - pb[i] + kk[i] * a.dilation[i]);
        if (at.some((v, i) => v < 0 || v >= spatial[i])) continue;
        let flat = b * c + ch;
        at.forEach((v, i) => (flat = flat * spatial[i] + v));
        const v = x.data[flat];
        best = Math.max(best, v);
        sum += v;
        count++;
      }
      data[o++] = kind === 'max' ? best : sum / (a.countIncludePad ? padCount : count);
    }
    return { shape, data };
  };
}

function run(op: OpDef<PoolAttrs>, kind: 'max' | 'avg', shape: number[], attrs: RawAttrs, seed: number): void {
  checkOp({ op, attrs, inputs: [shape], reference: refPool(kind), gen: kind === 'max' ? 'distinct' : 'normal', seed, maxChecks: 200 });
}

describe('MaxPool / AvgPool', () => {
  it('2-d over kernel/stride/pads/ceil (and dilation for max, countIncludePad for avg)', () => {
    let seed = 1;
    for (const kernel of [2, 3, [3, 2]]) {
      for (const stride of [undefined, 1, 2]) {
        for (const pads of [0, 1, [1, 0, 0, 1]]) {
          for (const ceil of [false, true]) {
            const base: RawAttrs = stride === undefined ? { kernel, pads, ceil } : { kernel, stride, pads, ceil };
            run(maxPool2d, 'max', [2, 2, 7, 6], base, seed++);
            run(maxPool2d, 'max', [1, 2, 8, 7], { ...base, dilation: 2 }, seed++);
            run(avgPool2d, 'avg', [2, 2, 7, 6], base, seed++);
            run(avgPool2d, 'avg', [2, 2, 7, 6], { ...base, countIncludePad: true }, seed++);
          }
        }
      }
    }
  });

  it('1-d and 3-d', () => {
    run(maxPool1d, 'max', [2, 3, 9], { kernel: 3, stride: 2, pads: 1, ceil: true }, 1);
    run(avgPool1d, 'avg', [2, 3, 9], { kernel: 4, stride: 2, pads: [1, 2], ceil: true, countIncludePad: true }, 2);
    run(maxPool3d, 'max', [1, 2, 4, 5, 5], { kernel: 2, pads: [0, 1, 0, 1, 0, 1], ceil: true }, 3);
    run(maxPool3d, 'max', [1, 1, 5, 5, 5], { kernel: 2, stride: 1, dilation: [1, 2, 2] }, 4);
    run(avgPool3d, 'avg', [1, 2, 4, 5, 5], { kernel: [2, 3, 3], stride: 2, pads: 1 }, 5);
    run(avgPool3d, 'avg', [1, 2, 4, 5, 5], { kernel: [2, 3, 3], stride: 2, pads: 1, countIncludePad: true, ceil: true }, 6);
  });

  it('shapes, defaults and errors', () => {
    const a = maxPool2d.parseAttrs({ kernel: 2 });
    expect(a.stride).toEqual([2, 2]);
    expect(maxPool2d.inferShape([[64, 6, 28, 28]], a)).toEqual([64, 6, 14, 14]);
    // ceil: 5 -> 3 with k=2, s=2; the window starting in the end padding is dropped
    expect(maxPool2d.inferShape([[1, 1, 5, 5]], maxPool2d.parseAttrs({ kernel: 2, ceil: true }))).toEqual([1, 1, 3, 3]);
    expect(maxPool1d.inferShape([[1, 1, 4]], maxPool1d.parseAttrs({ kernel: 2, stride: 2, pads: [0, 1], ceil: true }))).toEqual([1, 1, 2]);
    expect(maxPool2d.params([[1, 1, 4, 4]], a)).toEqual([]);
    expect(maxPool2d.receptive?.(a)).toEqual({ kernel: 2, stride: 2, dilation: 1 });
    expect(() => avgPool2d.inferShape([[1, 1, 2, 2]], avgPool2d.parseAttrs({ kernel: 3 }))).toThrow('kernel 3 (dilated 3) larger than padded input 2');
    expect(() => avgPool2d.parseAttrs({ kernel: 2, dilation: 2 }).dilation).not.toThrow();
    expect(avgPool2d.parseAttrs({ kernel: 2, dilation: 2 }).dilation).toEqual([1, 1]);
  });

  it('max pool routes the gradient to the argmax only (known values)', () => {
    const x = Tensor.from([1, 1, 2, 2], [1, 4, 3, 2]);
    const rep = checkOp({ op: maxPool2d, attrs: { kernel: 2 }, inputs: [x], expected: { shape: [1, 1, 1, 1], data: [4] } });
    expect(rep.outputShape).toEqual([1, 1, 1, 1]);
    const a = maxPool2d.parseAttrs({ kernel: 2 });
    const res = maxPool2d.forward([x], {}, a, { training: true, rng: new Rng(0) });
    const back = maxPool2d.backward(Tensor.from([1, 1, 1, 1], [5]), res.saved, [x], {}, a);
    expect([...(back.inputs[0]?.data ?? [])]).toEqual([0, 5, 0, 0]);
  });

  it('2x2 stride-2 fast path: odd sizes, ties go to the first tap, 3-d with a depth-1 kernel, same as the general walk', () => {
    const rng = new Rng(7);
    const ctx = { training: true, rng };
    for (const [op, shape, kernel, pads] of [
      [maxPool2d, [2, 3, 7, 9], [2, 2], [0, 0, 0, 0]],
      [maxPool3d, [1, 2, 3, 6, 5], [1, 2, 2], [0, 0, 0, 0, 0, 0]],
      // a zero pad on the end takes the general walk: both must give the same values
      [maxPool2d, [2, 3, 7, 9], [2, 2], [0, 0, 0, 1]],
    ] as const) {
      const x = new Tensor([...shape]);
      for (let i = 0; i < x.size; i++) x.data[i] = rng.int(4); // many ties
      const a = op.parseAttrs({ kernel: [...kernel], pads: [...pads] });
      const res = op.forward([x], {}, a, ctx);
      const [n, c, ...sp] = shape as readonly number[];
      const out = res.output.shape.slice(2);
      const inner = sp.reduce((u, v) => u * v, 1);
      const outInner = out.reduce((u, v) => u * v, 1);
      for (let pl = 0; pl < n * c; pl++) {
        for (let o = 0; o < outInner; o++) {
          // first maximum in row-major tap order, computed directly
          const pos = out.length === 2 ? [0, Math.floor(o / out[1]), o % out[1]] : [Math.floor(o / (out[1] * out[2])), Math.floor(o / out[2]) % out[1], o % out[2]];
          const [iD, iH, iW] = out.length === 2 ? [1, sp[0], sp[1]] : [sp[0], sp[1], sp[2]];
          const kd = kernel.length === 3 ? kernel[0] : 1;
          let best = -Infinity;
          let at = -1;
          for (let dd = 0; dd < kd; dd++) for (let dh = 0; dh < 2; dh++) for (let dw = 0; dw < 2; dw++) {
            const d = pos[0] + dd, h = 2 * pos[1] + dh, w = 2 * pos[2] + dw;
            if (d >= iD || h >= iH || w >= iW) continue;
            const i = pl * inner + (d * iH + h) * iW + w;
            if (x.data[i] > best || at < 0) { best = x.data[i]; at = i; }
          }
          expect(res.output.data[pl * outInner + o]).toBe(best);
          if (res.saved instanceof Int32Array) expect(res.saved[pl * outInner + o]).toBe(at);
        }
      }
      expect(res.saved).toBeInstanceOf(Int32Array);
    }
  });
});

describe('GlobalAvgPool', () => {
  it('any spatial rank', () => {
    for (const shape of [[2, 3, 5], [2, 3, 4, 5], [1, 2, 3, 3, 2]]) {
      const rep = checkOp({
        op: globalAvgPool,
        attrs: {},
        inputs: [shape],
        reference: (inputs) => {
          const x = inputs[0];
          const inner = x.size / (shape[0] * shape[1]);
          const data = Array.from({ length: shape[0] * shape[1] }, (_, p) => x.data.slice(p * inner, (p + 1) * inner).reduce((u, v) => u + v, 0) / inner);
          return { shape: [shape[0], shape[1], ...shape.slice(2).map(() => 1)], data };
        },
      });
      expect(rep.outputShape.slice(2).every((d) => d === 1)).toBe(true);
    }
    expect(() => globalAvgPool.inferShape([[3, 4]], {})).toThrow(/N x C x spatial/);
  });
});
