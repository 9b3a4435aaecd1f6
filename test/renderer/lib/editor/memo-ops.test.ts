import { describe, expect, it } from 'vitest';
import { analyzeGraph, buildTemplate, listTemplates } from '../../../../core/index';
import { memoLookup } from '../../../../renderer/src/lib/editor/memo-ops';

describe('memoised ops', () => {
  it('give the same analysis as the registry for every template, twice in a row', () => {
    const lookup = memoLookup();
    for (const t of listTemplates()) {
      const graph = buildTemplate(t.name);
      const plain = analyzeGraph(graph);
      for (let round = 0; round < 2; round++) {
        const memo = analyzeGraph(graph, { lookup });
        expect(memo.errors.map((e) => e.message)).toEqual(plain.errors.map((e) => e.message));
        expect(memo.totals.params).toEqual(plain.totals.params);
        expect(memo.totals.flops).toBe(plain.totals.flops);
        expect(memo.nodes.map((n) => [n.name, n.outputShape, n.rf])).toEqual(plain.nodes.map((n) => [n.name, n.outputShape, n.rf]));
      }
    }
  });

  it('rethrow cached errors and recompute when the attributes object changes', () => {
    const lookup = memoLookup();
    const dense = lookup('Dense');
    expect(dense).toBeDefined();
    if (!dense) return;
    const bad = { units: 0 };
    expect(() => dense.parseAttrs(bad)).toThrow(/units/);
    expect(() => dense.parseAttrs(bad)).toThrow(/units/);
    const good = dense.parseAttrs({ units: 4 });
    expect(dense.inferShape([[2, 3]], good)).toEqual([2, 4]);
    expect(dense.inferShape([[2, 5]], good)).toEqual([2, 4]);
    expect(() => dense.inferShape([[2, 3, 4]], good)).toThrow(/rank 2/);
    expect(lookup('NoSuchOp')).toBeUndefined();
  });
});
