import { describe, expect, it } from 'vitest';
import { nonLocal, type NonLocalAttrs } from '../../../core/ops/non-local';
import { Rng } from '../../../core/tensor/rng';
import { Tensor, type Shape } from '../../../core/tensor/tensor';
import { checkOp, randomTensor } from './oracle';

/** Every param random (outWeight would start at zero, which hides the theta/phi/g gradients). */
function randomParams(shape: Shape, attrs: NonLocalAttrs, seed: number): Record<string, Tensor> {
  const rng = new Rng(seed);
  const out: Record<string, Tensor> = {};
  for (const spec of nonLocal.params([shape], attrs)) {
    const t = randomTensor(spec.shape, rng);
    for (let i = 0; i < t.size; i++) t.data[i] *= 0.5;
    out[spec.name] = t;
  }
  return out;
}

/** The paper's formula with plain float64 loops. */
function naiveNonLocal(xt: Tensor, p: Readonly<Record<string, Tensor>>, a: NonLocalAttrs) {
  const [n, c] = xt.shape;
  const P = xt.size / (n * c);
  const d = p.gWeight.shape[0];
  const out = new Array<number>(xt.size).fill(0);
  const conv = (w: string, bias: string, rows: number, b: number): number[][] =>
    Array.from({ length: rows }, (_, r) =>
      Array.from({ length: P }, (_, j) => {
        let s = p[bias].data[r];
        for (let k = 0; k < c; k++) s += p[w].data[r * c + k] * xt.data[(b * c + k) * P + j];
        return s;
      }),
    );
  for (let b = 0; b < n; b++) {
    const g = conv('gWeight', 'gBias', d, b);
    const x = Array.from({ length: c }, (_, k) => Array.from({ length: P }, (_, j) => xt.data[(b * c + k) * P + j]));
    const [u, v] = a.mode === 'gaussian' ? [x, x] : [conv('thetaWeight', 'thetaBias', d, b), conv('phiWeight', 'phiBias', d, b)];
    const A = Array.from({ length: P }, (_, i) => {
      const f = Array.from({ length: P }, (_, j) => {
        let s = 0;
        for (let r = 0; r < u.length; r++) s += u[r][i] * v[r][j];
        return s;
      });
      if (a.mode === 'dot') return f.map((s) => s / P);
      const e = f.map((s) => Math.exp(s));
      const z = e.reduce((s, q) => s + q, 0);
      return e.map((q) => q / z);
    });
    for (let ch = 0; ch < c; ch++) {
      for (let i = 0; i < P; i++) {
        let s = p.outBias.data[ch] + (a.residual ? x[ch][i] : 0);
        for (let r = 0; r < d; r++) {
          let yri = 0;
          for (let j = 0; j < P; j++) yri += A[i][j] * g[r][j];
          s += p.outWeight.data[ch * d + r] * yri;
        }
        out[(b * c + ch) * P + i] = s;
      }
    }
  }
  return { shape: xt.shape, data: out };
}

describe('NonLocal', () => {
  const cases: [string, Shape, Record<string, string | number | boolean>][] = [
    ['embedded 2D', [2, 4, 3, 2], {}],
    ['gaussian 2D', [2, 4, 2, 3], { mode: 'gaussian' }],
    ['dot 2D', [2, 4, 3, 2], { mode: 'dot' }],
    ['embedded 3D, inner 3, no residual', [1, 3, 2, 2, 2], { inner: 3, residual: false }],
    ['dot 3D', [1, 4, 2, 2, 2], { mode: 'dot', inner: 1 }],
    ['gaussian 3D, no residual', [1, 2, 2, 2, 2], { mode: 'gaussian', residual: false }],
  ];
  for (const [name, shape, raw] of cases) {
    it(`${name}: matches the formula and FD gradients of x and every param`, () => {
      const attrs = nonLocal.parseAttrs(raw);
      const rep = checkOp({
        op: nonLocal,
        attrs: raw,
        inputs: [shape],
        params: randomParams(shape, attrs, 3),
        reference: ([x], p, a) => naiveNonLocal(x, p, a),
      });
      const names = nonLocal.params([shape], attrs).map((s) => `param:${s.name}`);
      expect(Object.keys(rep.gradWorst).sort()).toEqual(['input0', ...names].sort());
    });
  }

  it('declares ONNX-layout 1x1 conv params; outWeight starts at zero so the residual block is the identity', () => {
    const a = nonLocal.parseAttrs({});
    const specs = nonLocal.params([[1, 8, 5, 5]], a);
    expect(specs.map((s) => [s.name, s.shape])).toEqual([
      ['thetaWeight', [4, 8, 1, 1]],
      ['thetaBias', [4]],
      ['phiWeight', [4, 8, 1, 1]],
      ['phiBias', [4]],
      ['gWeight', [4, 8, 1, 1]],
      ['gBias', [4]],
      ['outWeight', [8, 4, 1, 1]],
      ['outBias', [8]],
    ]);
    expect(nonLocal.params([[1, 8, 2, 5, 5]], nonLocal.parseAttrs({ mode: 'gaussian' })).map((s) => s.name)).toEqual(['gWeight', 'gBias', 'outWeight', 'outBias']);
    expect(nonLocal.params([[1, 8, 2, 5, 5]], a)[0].shape).toEqual([4, 8, 1, 1, 1]);
    expect(specs.find((s) => s.name === 'outWeight')?.init).toEqual({ kind: 'constant', value: 0 });
    const x = randomTensor([1, 8, 5, 5], new Rng(4));
    const params = randomParams([1, 8, 5, 5], a, 5);
    params.outWeight = new Tensor([8, 4, 1, 1]);
    params.outBias = new Tensor([8]);
    const y = nonLocal.forward([x], params, a, { training: false, rng: new Rng(1) }).output;
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
  });

  it('counts FLOPs as documented and names bad input', () => {
    const a = nonLocal.parseAttrs({});
    // n=1, C=8, P=25, d=4: 3 convs (2*4*8*25 + 100) + S 2*625*4 + softmax 5*625 + Y 2*4*625 + out 2*8*4*25 + 200 + residual 200.
    expect(nonLocal.flops([[1, 8, 5, 5]], a)).toBe(3 * (1600 + 100) + 5000 + 3125 + 5000 + 1600 + 200 + 200);
    expect(() => nonLocal.inferShape([[2, 8]], a)).toThrow(/N x C x H x W .* got 2x8/);
    expect(() => nonLocal.parseAttrs({ mode: 'cosine' })).toThrow(/mode/);
  });
});
