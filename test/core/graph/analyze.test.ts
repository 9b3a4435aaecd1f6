import { describe, expect, it } from 'vitest';
import { analyzeGraph, assertValid, errorsByNode } from '../../../core/graph/analyze';
import { GraphBuilder } from '../../../core/graph/builder';
import { GraphError } from '../../../core/graph/types';
import { fakeLookup } from './fake-ops';

const opts = { lookup: fakeLookup };

describe('analyzeGraph (with test ops)', () => {
  it('gives shapes, params, flops, receptive field and memory', () => {
    const b = new GraphBuilder('a');
    const x = b.input([2, 8, 8]);
    const s = b.node('Scale', 's', x);
    const k1 = b.node('Shrink', 'k1', s, { cut: 2 }); // RF kernel 3
    const k2 = b.node('Shrink', 'k2', k1, { cut: 2 });
    const a = analyzeGraph(b.build(k2), { ...opts, batch: 4 });
    expect(a.valid).toBe(true);
    expect(a.byName.get('k2')?.outputShape).toEqual([4, 2, 8, 4]);
    expect(a.byName.get('s')?.paramCount).toEqual({ trainable: 4, nonTrainable: 2, total: 6 });
    expect(a.byName.get('s')?.flops).toBe(2 * 4 * 2 * 8 * 8);
    expect(a.byName.get('k1')?.rf).toEqual({ size: 3, jump: 1, axes: [{ size: 3, jump: 1 }, { size: 3, jump: 1 }] });
    expect(a.byName.get('k2')?.rf).toMatchObject({ size: 5, jump: 1 });
    const acts = 4 * 2 * 8 * (8 + 8 + 6 + 4);
    expect(a.totals.memory.activationBytes).toBe(acts * 4);
    expect(a.totals.memory.paramBytes).toBe(6 * 4);
    expect(a.totals.memory.gradBytes).toBe(4 * 4);
    expect(a.totals.memory.optimizerBytes).toBe(2 * 4 * 4);
    expect(a.totals.memory.totalBytes).toBe(acts * 4 + 24 + 16 + 32);
  });

  it('reports every node error, names node/op/shapes, and does not cascade', () => {
    const b = new GraphBuilder('bad');
    const x = b.input([3, 4, 4]);
    const y = b.input([3, 2, 2], 'y');
    b.node('Sum', 'mismatch', [x, y]); // shape mismatch
    b.node('Scale', 'after', 'mismatch'); // behind the error: not reported
    b.node('Shrink', 'zero', x, { cut: 4 }); // size to zero
    b.node('Sum', 'arity', [x]); // needs >= 2
    b.node('Nope', 'unknown', x);
    b.node('Shrink', 'noattr', x);
    const a = analyzeGraph(b.build(['after', 'zero', 'arity', 'unknown', 'noattr']), opts);
    expect(a.valid).toBe(false);
    const by = errorsByNode(a.errors);
    expect([...by.keys()].sort()).toEqual(['arity', 'mismatch', 'noattr', 'unknown', 'zero']);
    expect(by.get('mismatch')?.[0].message).toBe('Sum "mismatch" (inputs 1x3x4x4, 1x3x2x2): Sum: 1x3x4x4 vs 1x3x2x2');
    expect(by.get('zero')?.[0].message).toMatch(/Shrink "zero" \(input 1x3x4x4\): output size goes to 1x3x4x0/);
    expect(by.get('arity')?.[0].message).toMatch(/expects at least 2 input\(s\), got 1/);
    expect(by.get('unknown')?.[0].message).toMatch(/unknown op type "Nope"/);
    expect(by.get('noattr')?.[0].message).toMatch(/missing attribute "cut"/);
    expect(() => assertValid(b.build(['after']), opts)).toThrow(/5 errors/);
  });

  it('includes structural errors (cycle, dangling input) beside the valid part', () => {
    const g = new GraphBuilder('cyc').build();
    g.nodes.push(
      { name: 'x', op: 'Input', inputs: [], attrs: { shape: [2, 4, 4] } },
      { name: 'ok', op: 'Scale', inputs: ['x'], attrs: {} },
      { name: 'p', op: 'Sum', inputs: ['ok', 'q'], attrs: {} },
      { name: 'q', op: 'Scale', inputs: ['p'], attrs: {} },
      { name: 'd', op: 'Scale', inputs: ['missing'], attrs: {} },
    );
    g.outputs = ['q', 'd'];
    const a = analyzeGraph(g, opts);
    const msgs = a.errors.map((e) => e.message);
    expect(msgs.some((m) => /cycle "p" -> "q" -> "p"|cycle "q" -> "p" -> "q"/.test(m))).toBe(true);
    expect(msgs.some((m) => m.includes('"missing"') && m.includes('Scale "d"'))).toBe(true);
    expect(a.byName.get('ok')?.outputShape).toEqual([1, 2, 4, 4]);
  });

  it('an input with a fixed first dim (graph nodes) ignores the batch', () => {
    const b = new GraphBuilder('nodes');
    b.input([5], 'feat', 34);
    expect(analyzeGraph(b.build(), { ...opts, batch: 8 }).byName.get('feat')?.outputShape).toEqual([34, 5]);
  });

  it('checks input nodes', () => {
    const b = new GraphBuilder('in');
    b.node('Input', 'x', [], { shape: [0, 3] });
    const a = analyzeGraph(b.build(), opts);
    expect(a.errors[0]).toBeInstanceOf(GraphError);
    expect(a.errors[0].message).toMatch(/Input "x".*positive integers/);
    expect(() => assertValid(b.build(), opts)).toThrow(GraphError);
  });

  it('analyses a 200-node graph quickly (time logged, not asserted)', () => {
    const b = new GraphBuilder('long');
    let x = b.input([16, 32, 32]);
    for (let i = 0; i < 199; i++) x = b.node(i % 2 ? 'Scale' : 'Shrink', `n${i}`, x, i % 2 ? {} : { cut: 0 });
    const g = b.build(x);
    analyzeGraph(g, opts);
    const t0 = performance.now();
    const reps = 20;
    for (let i = 0; i < reps; i++) analyzeGraph(g, opts);
    const ms = (performance.now() - t0) / reps;
    console.log(`analyzeGraph, 200 test-op nodes: ${ms.toFixed(3)} ms`);
    expect(analyzeGraph(g, opts).nodes).toHaveLength(200);
  });
});
