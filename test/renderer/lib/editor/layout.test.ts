import { describe, expect, it } from 'vitest';
import ELK from 'elkjs/lib/elk.bundled.js';
import { buildTemplate } from '../../../../core/index';
import { applyElk, isChain, toElkGraph } from '../../../../renderer/src/lib/layout/elk-graph';
import { simpleLayout } from '../../../../renderer/src/lib/editor/simple-layout';

describe('layout', () => {
  it('ELK lays a template out top to bottom: every consumer sits below its producers, no overlaps', async () => {
    const graph = buildTemplate('inception');
    const laid = applyElk(graph, await new ELK().layout(toElkGraph(graph)));
    const pos = new Map(laid.nodes.map((n) => [n.name, n.ui]));
    for (const n of laid.nodes) for (const i of n.inputs) expect(pos.get(n.name)?.y ?? 0).toBeGreaterThan(pos.get(i)?.y ?? 0);
    const boxes = laid.nodes.map((n) => n.ui ?? { x: 0, y: 0 });
    for (let a = 0; a < boxes.length; a++)
      for (let b = a + 1; b < boxes.length; b++) {
        const overlap = Math.abs(boxes[a].x - boxes[b].x) < 190 && Math.abs(boxes[a].y - boxes[b].y) < 74;
        expect(overlap).toBe(false);
      }
  });

  it('a long chain (LeNet-5) wraps into columns and keeps its order column by column', async () => {
    const graph = buildTemplate('lenet5');
    expect(isChain(graph)).toBe(true);
    expect(isChain(buildTemplate('inception'))).toBe(false);
    const laid = applyElk(graph, await new ELK().layout(toElkGraph(graph)));
    const xs = new Set(laid.nodes.map((n) => n.ui?.x));
    expect(xs.size).toBeGreaterThan(1);
    for (const n of laid.nodes)
      for (const i of n.inputs) {
        const a = laid.nodes.find((m) => m.name === i)?.ui ?? { x: 0, y: 0 };
        const b = n.ui ?? { x: 0, y: 0 };
        expect(b.x > a.x || (b.x === a.x && b.y > a.y)).toBe(true);
      }
  });

  it('the quick layout puts each node one layer below its deepest input', () => {
    const graph = buildTemplate('lenet5');
    const pos = simpleLayout(graph.nodes);
    for (const n of graph.nodes) for (const i of n.inputs) expect(pos.get(n.name)?.y ?? 0).toBeGreaterThan(pos.get(i)?.y ?? 0);
  });
});
