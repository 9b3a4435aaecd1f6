import { describe, expect, it } from 'vitest';
import { checkWeights, countGraphParams, countWeights, fillInit, initWeights } from '../../../core/graph/weights';
import { GraphError, GRAPH_FORMAT, type ModelGraph } from '../../../core/graph/types';
import { Rng } from '../../../core/tensor/rng';
import { Tensor } from '../../../core/tensor/tensor';
import { fakeLookup } from './fake-ops';

const g: ModelGraph = {
  format: GRAPH_FORMAT,
  version: 1,
  name: 'w',
  nodes: [
    { name: 'x', op: 'Input', inputs: [], attrs: { shape: [4, 3, 3] } },
    { name: 's1', op: 'Scale', inputs: ['x'], attrs: {} },
    { name: 's2', op: 'Scale', inputs: ['s1'], attrs: {} },
  ],
  outputs: ['s2'],
};
const opts = { lookup: fakeLookup };

describe('weights', () => {
  it('creates every param with its shape and init, reproducibly from the seed', () => {
    const a = initWeights(g, new Rng(7), opts);
    const b = initWeights(g, new Rng(7), opts);
    const c = initWeights(g, new Rng(8), opts);
    expect(Object.keys(a)).toEqual(['s1', 's2']);
    expect(a.s1.w.shape).toEqual([4]);
    expect([...a.s1.b.data]).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect([...a.s2.w.data]).toEqual([...b.s2.w.data]);
    expect([...a.s2.w.data]).not.toEqual([...c.s2.w.data]);
    expect([...a.s1.w.data]).not.toEqual([...a.s2.w.data]);
    expect(countWeights(a)).toBe(24);
    expect(countGraphParams(g, opts)).toEqual({ trainable: 16, nonTrainable: 8, total: 24 });
  });

  it('draws each init with the right statistics', () => {
    const rng = new Rng(1);
    const n = 20000;
    const stats = (d: Float32Array) => {
      let m = 0, v = 0, mx = 0;
      for (const x of d) m += x;
      m /= d.length;
      for (const x of d) { v += (x - m) ** 2; mx = Math.max(mx, Math.abs(x)); }
      return { mean: m, std: Math.sqrt(v / d.length), max: mx };
    };
    const he = new Float32Array(n);
    fillInit(he, { kind: 'he', fanIn: 50 }, rng);
    expect(stats(he).std).toBeCloseTo(Math.sqrt(2 / 50), 2);
    expect(Math.abs(stats(he).mean)).toBeLessThan(0.01);
    const gl = new Float32Array(n);
    fillInit(gl, { kind: 'glorot', fanIn: 10, fanOut: 14 }, rng);
    expect(stats(gl).max).toBeLessThanOrEqual(0.5);
    expect(stats(gl).max).toBeGreaterThan(0.49);
    const un = new Float32Array(n);
    fillInit(un, { kind: 'uniform', bound: 0.1 }, rng);
    expect(stats(un).std).toBeCloseTo(0.1 / Math.sqrt(3), 3);
    const no = new Float32Array(n);
    fillInit(no, { kind: 'normal', std: 0.02 }, rng);
    expect(stats(no).std).toBeCloseTo(0.02, 3);
  });

  it('checkWeights names the node, param and both shapes', () => {
    const w = initWeights(g, new Rng(1), opts);
    expect(checkWeights(g, w, opts)).toEqual([]);
    w.s2.w = new Tensor([6]);
    delete w.s1.b;
    w.ghost = { k: new Tensor([1]) };
    const msgs = checkWeights(g, w, opts).map((e) => e.message);
    expect(msgs).toContain('Scale "s2": weight "w" is 6 but the node expects 4');
    expect(msgs.some((m) => m.includes('"s1"') && m.includes('missing weight "b"'))).toBe(true);
    expect(msgs.some((m) => m.includes('"ghost"'))).toBe(true);
  });

  it('refuses to create weights for an invalid graph', () => {
    const bad: ModelGraph = { ...g, nodes: [...g.nodes, { name: 'z', op: 'Scale', inputs: ['nope'], attrs: {} }] };
    expect(() => initWeights(bad, new Rng(1), opts)).toThrow(GraphError);
  });
});
