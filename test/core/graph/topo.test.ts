import { describe, expect, it } from 'vitest';
import { topoOrder, topoSort } from '../../../core/graph/topo';
import { GraphError, GRAPH_FORMAT, type GraphNode, type ModelGraph } from '../../../core/graph/types';

function graph(nodes: GraphNode[], outputs: string[]): ModelGraph {
  return { format: GRAPH_FORMAT, version: 1, name: 't', nodes, outputs };
}
const n = (name: string, inputs: string[], op = 'Scale'): GraphNode => ({ name, op, inputs, attrs: {} });

describe('topo', () => {
  it('orders nodes after their inputs regardless of file order', () => {
    const g = graph([n('d', ['b', 'c'], 'Sum'), n('c', ['a']), n('b', ['a']), n('a', [], 'Input')], ['d']);
    const order = topoOrder(g).map((x) => x.name);
    expect(order[0]).toBe('a');
    expect(order[3]).toBe('d');
    for (const node of g.nodes) for (const i of node.inputs) expect(order.indexOf(i)).toBeLessThan(order.indexOf(node.name));
  });

  it('keeps file order among independent nodes', () => {
    const g = graph([n('a', [], 'Input'), n('x', ['a']), n('y', ['a']), n('z', ['a'])], ['z']);
    expect(topoOrder(g).map((x) => x.name)).toEqual(['a', 'x', 'y', 'z']);
  });

  it('keeps an already-sorted file in its order, branches together', () => {
    const g = graph(
      [n('in', [], 'Input'), n('a1', ['in']), n('a2', ['a1']), n('b1', ['in']), n('b2', ['b1']), n('cat', ['a2', 'b2'], 'Sum'), n('c', ['cat'])],
      ['c'],
    );
    expect(topoOrder(g).map((x) => x.name)).toEqual(['in', 'a1', 'a2', 'b1', 'b2', 'cat', 'c']);
    const shuffled = graph([g.nodes[6], g.nodes[3], g.nodes[5], g.nodes[0], g.nodes[2], g.nodes[4], g.nodes[1]], ['c']);
    const order = topoOrder(shuffled).map((x) => x.name);
    for (const node of shuffled.nodes) for (const i of node.inputs) expect(order.indexOf(i)).toBeLessThan(order.indexOf(node.name));
    expect(order).toHaveLength(7);
  });

  it('names the nodes on a cycle, not nodes merely downstream of it', () => {
    const g = graph([n('in', [], 'Input'), n('p', ['in', 'r'], 'Sum'), n('q', ['p']), n('r', ['q']), n('after', ['r'])], ['after']);
    const { errors, order } = topoSort(g);
    expect(order.map((x) => x.name)).toEqual(['in']);
    expect(errors).toHaveLength(1);
    const msg = errors[0].message;
    expect(msg).toMatch(/cycle/);
    for (const name of ['p', 'q', 'r']) expect(msg).toContain(`"${name}"`);
    expect(msg).not.toContain('"after"');
    expect(['p', 'q', 'r']).toContain(errors[0].node);
    expect(() => topoOrder(g)).toThrow(GraphError);
  });

  it('detects a self loop', () => {
    const g = graph([n('a', [], 'Input'), n('s', ['a', 's'], 'Sum')], ['s']);
    const { errors } = topoSort(g);
    expect(errors[0].node).toBe('s');
    expect(errors[0].message).toContain('"s" -> "s"');
  });

  it('names dangling inputs, duplicate names and unknown outputs', () => {
    const g = graph([n('a', [], 'Input'), n('b', ['a', 'ghost'], 'Sum'), n('a', [], 'Input')], ['b', 'nowhere']);
    const { errors } = topoSort(g);
    const msgs = errors.map((e) => e.message);
    expect(msgs.some((m) => m.includes('"ghost"') && m.includes('"b"') && m.includes('dangling'))).toBe(true);
    expect(msgs.some((m) => m.includes('duplicate') && m.includes('"a"'))).toBe(true);
    expect(msgs.some((m) => m.includes('"nowhere"'))).toBe(true);
    expect(errors.find((e) => e.message.includes('ghost'))?.node).toBe('b');
  });
});
