import { describe, expect, it } from 'vitest';
import { Tensor, type Shape } from '../../../core/tensor/tensor';
import { Rng } from '../../../core/tensor/rng';
import { defineOp, type OpDef } from '../../../core/ops/types';
import { num } from '../../../core/ops/attrs';
import { checkOp, initParams, randomTensor } from './oracle';

interface ScaleAttrs {
  power: number;
}

/** y = w[c] * x^p + b[c] over N x C x ...; `bug` plants one kind of mistake. */
function scaleOp(bug: 'none' | 'grad-x' | 'grad-w' | 'shape' | 'alias' = 'none'): OpDef<ScaleAttrs> {
  let scratch: Tensor | null = null;
  return defineOp<ScaleAttrs>({
    type: 'TestScale',
    summary: 'test op',
    category: 'math',
    arity: 1,
    parseAttrs: (raw) => ({ power: num(raw, 'power', 2) }),
    params: (shapes) => [
      { name: 'w', shape: [shapes[0][1]], init: { kind: 'normal', std: 1 }, trainable: true },
      { name: 'b', shape: [shapes[0][1]], init: { kind: 'normal', std: 1 }, trainable: true },
      { name: 'count', shape: [1], init: { kind: 'constant', value: 0 }, trainable: false },
    ],
    inferShape: (shapes) => (bug === 'shape' ? [...shapes[0].slice(1)] : shapes[0]),
    forward(inputs, params, attrs) {
      const x = inputs[0];
      const [n, c] = x.shape;
      const inner = x.size / (n * c);
      const y = bug === 'alias' ? (scratch ??= new Tensor(x.shape)) : new Tensor(x.shape);
      for (let i = 0; i < x.size; i++) {
        const ch = Math.floor(i / inner) % c;
        y.data[i] = params.w.data[ch] * x.data[i] ** attrs.power + params.b.data[ch];
      }
      return { output: y };
    },
    backward(g, _saved, inputs, params, attrs) {
      const x = inputs[0];
      const [n, c] = x.shape;
      const inner = x.size / (n * c);
      const dx = new Tensor(x.shape);
      const dw = new Tensor([c]);
      const db = new Tensor([c]);
      for (let i = 0; i < x.size; i++) {
        const ch = Math.floor(i / inner) % c;
        const p = attrs.power;
        dx.data[i] = g.data[i] * params.w.data[ch] * p * x.data[i] ** (p - 1) * (bug === 'grad-x' && i === 3 ? 1.1 : 1);
        dw.data[ch] += g.data[i] * x.data[i] ** p;
        db.data[ch] += g.data[i];
      }
      if (bug === 'grad-w') dw.data[0] *= 0.97;
      return { inputs: [dx], params: { w: dw, b: db } };
    },
    flops: (shapes) => 3 * shapes[0].reduce((a, b) => a * b, 1),
  });
}

function reference(inputs: readonly Tensor[], params: Readonly<Record<string, Tensor>>, attrs: ScaleAttrs) {
  const x = inputs[0];
  const [, c, h, w] = x.shape;
  const out = new Float64Array(x.size);
  for (let i = 0; i < x.size; i++) {
    const ch = Math.floor(i / (h * w)) % c;
    out[i] = params.w.data[ch] * Math.pow(x.data[i], attrs.power) + params.b.data[ch];
  }
  return { shape: x.shape, data: out };
}

const shape: Shape = [2, 3, 4, 5];

describe('oracle checkOp', () => {
  it('accepts a correct op (shape, forward vs reference, FD grads of input and params)', () => {
    const rep = checkOp({ op: scaleOp(), attrs: { power: 3 }, inputs: [shape], reference });
    expect(rep.outputShape).toEqual(shape);
    expect(Object.keys(rep.gradWorst).sort()).toEqual(['input0', 'param:b', 'param:w']);
    expect(rep.checkedElements).toBe(120 + 3 + 3);
    for (const v of Object.values(rep.gradWorst)) expect(v).toBeLessThan(0.5);
  });

  it('catches a wrong input gradient in a single element', () => {
    expect(() => checkOp({ op: scaleOp('grad-x'), attrs: {}, inputs: [shape] })).toThrow(/d\/d input0\[3\]/);
  });

  it('catches a 3% error in a param gradient', () => {
    expect(() => checkOp({ op: scaleOp('grad-w'), attrs: {}, inputs: [shape] })).toThrow(/param:w\[0\]/);
  });

  it('catches inferShape disagreeing with forward', () => {
    expect(() => checkOp({ op: scaleOp('shape'), attrs: {}, inputs: [shape] })).toThrow(/inferShape says 3x4x5/);
  });

  it('catches forward disagreeing with the reference', () => {
    const wrongRef = (i: readonly Tensor[], p: Readonly<Record<string, Tensor>>, a: ScaleAttrs) => {
      const r = reference(i, p, a);
      r.data[7] += 1e-2;
      return r;
    };
    expect(() => checkOp({ op: scaleOp(), attrs: {}, inputs: [shape], reference: wrongRef })).toThrow(/forward\[7\]/);
  });

  it('catches an output aliased to a reused scratch buffer', () => {
    expect(() => checkOp({ op: scaleOp('alias'), attrs: {}, inputs: [shape] })).toThrow(/overwritten/);
  });

  it('accepts given tensors and params, and distinct-value inputs', () => {
    const x = randomTensor([1, 2, 3, 3], new Rng(5), 'distinct', 0.1);
    const sorted = [...x.data].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i] - sorted[i - 1]).toBeCloseTo(0.1, 5);
    const w = Tensor.from([2], [1, -2]);
    const rep = checkOp({ op: scaleOp(), attrs: { power: 1 }, inputs: [x], params: { w }, reference });
    expect(rep.forwardMaxErr).toBeLessThan(1e-5);
  });

  it('initParams follows the specs deterministically', () => {
    const op = scaleOp();
    const a = initParams(op, [shape], { power: 2 }, new Rng(3));
    const b = initParams(op, [shape], { power: 2 }, new Rng(3));
    expect(a.w.shape).toEqual([3]);
    expect([...a.w.data]).toEqual([...b.w.data]);
    expect([...a.count.data]).toEqual([0]);
  });
});
