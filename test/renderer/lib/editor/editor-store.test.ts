/// <reference types="node" />
import { describe, expect, it } from 'vitest';
import type { ModelGraph } from '../../../../core/index';
import { EditorStore } from '../../../../renderer/src/lib/editor/editor-store';
import { summaryRows, trainingMemory } from '../../../../renderer/src/lib/editor/summary';
import { buildView } from '../../../../renderer/src/lib/editor/view-model';

/** Input 1x28x28 -> Flatten -> Dense(10), built through the store like a user would. */
function mlp(): { store: EditorStore; input: string; flat: string; dense: string } {
  const store = new EditorStore();
  const input = store.addOp('Input', { x: 0, y: 0 });
  const flat = store.addOp('Flatten', { x: 0, y: 100 }, input);
  const dense = store.addOp('Dense', { x: 0, y: 200 }, flat);
  return { store, input, flat, dense };
}

const snap = (s: EditorStore) => JSON.parse(JSON.stringify(s.current.doc));

describe('editor store: live analysis', () => {
  it('infers shapes, params and FLOPs on every edit', () => {
    const { store, flat, dense } = mlp();
    const a = store.current.analysis;
    expect(a.nodes.get(flat)?.shape).toEqual([1, 784]);
    expect(a.nodes.get(dense)?.shape).toEqual([1, 10]);
    expect(a.nodes.get(dense)?.params).toBe(784 * 10 + 10);
    expect(a.totalParams).toBe(7850);
    expect(a.nodes.get(dense)?.flops).toBeGreaterThanOrEqual(2 * 784 * 10);
    expect(a.issues).toEqual([]);
    expect(store.graph.outputs).toEqual([dense]);
    store.setAttr(dense, 'units', '32');
    expect(store.current.analysis.nodes.get(dense)?.shape).toEqual([1, 32]);
    expect(store.current.analysis.totalParams).toBe(784 * 32 + 32);
  });

  it('names the cause of a shape error and undo clears it', () => {
    const { store, input, dense } = mlp();
    // Dense straight on a 1x28x28 input: rank error, named by node and op.
    const before = snap(store);
    const bad = store.addOp('Dense', { x: 200, y: 100 }, input);
    const err = store.current.analysis.nodes.get(bad)?.error ?? '';
    expect(err).toContain(`Dense "${bad}"`);
    expect(err).toMatch(/1x1x28x28/);
    // Adding the two dense outputs of different widths: Add names both shapes.
    store.setAttr(bad, 'units', '5');
    const add = store.addOp('Add', { x: 100, y: 300 }, dense);
    expect(store.connect(bad, add).ok).toBe(true);
    expect(store.current.analysis.issues.length).toBeGreaterThan(0);
    expect(store.current.undoLabel).toBe(`connect ${bad} -> ${add}`);
    for (let i = 0; i < 4; i++) store.undo();
    expect(snap(store)).toEqual(before);
    expect(store.current.analysis.issues).toEqual([]);
  });

  it('reports an Add of mismatched shapes with both shapes in the message', () => {
    const { store, flat, dense } = mlp();
    const add = store.addOp('Add', { x: 0, y: 300 }, dense);
    store.connect(flat, add);
    const err = store.current.analysis.nodes.get(add)?.error ?? '';
    expect(err).toContain('Add');
    expect(err).toContain('1x10');
    expect(err).toContain('1x784');
    expect(store.graph.nodes.find((n) => n.name === add)?.inputs).toEqual([dense, flat]);
  });
});

describe('editor store: undo/redo covers every edit', () => {
  type Run = (s: EditorStore, n: ReturnType<typeof mlp>) => void;
  const grouped: Run = (s, n) => (s.select([n.flat, n.dense]), void s.group('head'));
  const edits: [string, Run, Run?][] = [
    ['add', (s) => void s.addOp('ReLU', { x: 5, y: 5 })],
    ['delete', (s, n) => (s.select([n.flat]), s.deleteSelection())],
    ['connect', (s, n) => void s.connect(n.input, s.addOp('ReLU', { x: 1, y: 1 }))],
    ['disconnect', (s, n) => s.disconnect(n.dense, 0)],
    ['attribute', (s, n) => void s.setAttr(n.dense, 'units', '3')],
    ['rename node', (s, n) => void s.renameNode(n.flat, 'flat')],
    ['rename model', (s) => s.rename('mlp')],
    ['move', (s, n) => s.move(new Map([[n.dense, { x: 99, y: 77 }]]))],
    ['duplicate', (s, n) => (s.select([n.dense]), s.duplicate())],
    ['copy/paste', (s, n) => (s.select([n.flat, n.dense]), s.copy(), s.paste())],
    ['group', (s, n) => (s.select([n.flat, n.dense]), s.group('head'))],
    ['expand', (s) => s.expand('head'), grouped],
    ['unfold', (s) => s.toggleFold('head'), grouped],
    ['delete block', (s) => (s.select(['block:head']), s.deleteSelection()), grouped],
  ];
  for (const [label, run, setup] of edits) {
    it(label, () => {
      const n = mlp();
      setup?.(n.store, n);
      const before = snap(n.store);
      const analysisBefore = n.store.current.analysis.totalParams;
      run(n.store, n);
      const after = snap(n.store);
      expect(after).not.toEqual(before);
      while (n.store.current.canUndo && JSON.stringify(snap(n.store)) !== JSON.stringify(before)) n.store.undo();
      expect(snap(n.store)).toEqual(before);
      expect(n.store.current.analysis.totalParams).toBe(analysisBefore);
      while (n.store.current.canRedo) n.store.redo();
      expect(snap(n.store)).toEqual(after);
    });
  }

  it('a new edit clears redo; undo labels say what they undo', () => {
    const { store, dense } = mlp();
    store.setAttr(dense, 'units', '4');
    expect(store.current.undoLabel).toBe(`edit ${dense}.units`);
    store.undo();
    expect(store.current.canRedo).toBe(true);
    store.addOp('ReLU', { x: 0, y: 0 });
    expect(store.current.canRedo).toBe(false);
  });

  it('typing in one field is one undo step', () => {
    const { store, dense } = mlp();
    for (const t of ['1', '12', '128']) store.setAttr(dense, 'units', t);
    expect(store.current.analysis.nodes.get(dense)?.shape).toEqual([1, 128]);
    store.undo();
    expect(store.graph.nodes.find((n) => n.name === dense)?.attrs.units).toBe(10);
  });

  it('tracks dirty state against the saved document', () => {
    const store = new EditorStore();
    expect(store.current.analysis.issues).toEqual([]); // an empty canvas is not a problem
    expect(store.current.dirty).toBe(false);
    store.addOp('Input', { x: 0, y: 0 });
    expect(store.current.dirty).toBe(true);
    store.markSaved();
    expect(store.current.dirty).toBe(false);
    store.addOp('ReLU', { x: 0, y: 0 });
    store.undo();
    expect(store.current.dirty).toBe(false);
  });
});

describe('editor store: validation as you type', () => {
  it('rejects bad values with the core message and leaves the graph alone', () => {
    const { store, dense } = mlp();
    const before = snap(store);
    const zero = store.setAttr(dense, 'units', '0');
    expect(zero.ok).toBe(false);
    expect(!zero.ok && zero.reason).toMatch(/units.*>= 1/);
    const text = store.setAttr(dense, 'units', 'ten');
    expect(!text.ok && text.reason).toContain('"ten" is not a number');
    const frac = store.setAttr(dense, 'units', '2.5');
    expect(!frac.ok && frac.reason).toMatch(/integer/);
    expect(snap(store)).toEqual(before);
    expect(store.current.canUndo).toBe(true); // only the three adds
    expect(store.current.undoLabel).toBe('add Dense');
  });

  it('validates Input shapes and renames', () => {
    const { store, input, flat } = mlp();
    expect(store.setAttr(input, 'shape', '1, 0, 28').ok).toBe(false);
    expect(store.setAttr(input, 'shape', '3x32x32').ok).toBe(true);
    expect(store.current.analysis.nodes.get(flat)?.shape).toEqual([1, 3072]);
    expect(store.renameNode(flat, input).ok).toBe(false);
    expect(store.renameNode(flat, 'bad name').ok).toBe(false);
    expect(store.renameNode(flat, 'features').ok).toBe(true);
    expect(store.graph.nodes.map((n) => n.inputs)).toContainEqual(['features']);
  });

  it('refuses cycles, self loops and inputs into an Input', () => {
    const { store, input, flat, dense } = mlp();
    expect(store.connect(dense, flat)).toMatchObject({ ok: false, reason: expect.stringContaining('cycle') });
    expect(store.connect(dense, dense).ok).toBe(false);
    expect(store.connect(dense, input).ok).toBe(false);
  });

  it('reconnecting after a delete fills the hole instead of appending', () => {
    const { store, input, flat, dense } = mlp();
    store.select([flat]);
    store.deleteSelection();
    expect(store.current.analysis.nodes.get(dense)?.error).toMatch(/expects 1 input/);
    const f2 = store.addOp('Flatten', { x: 0, y: 0 }, input);
    expect(store.connect(f2, dense).ok).toBe(true);
    expect(store.graph.nodes.find((n) => n.name === dense)?.inputs).toEqual([f2]);
    expect(store.current.analysis.issues).toEqual([]);
  });
});

describe('editor store: grouping', () => {
  it('folds a selection into a block with summed stats, and expands it again', () => {
    const { store, input, flat, dense } = mlp();
    store.select([flat, dense]);
    expect(store.group('head').ok).toBe(true);
    expect(store.current.selection).toEqual(['block:head']);
    let view = buildView(store.graph, new Set(store.current.doc.collapsed), store.current.analysis);
    const block = view.nodes.find((n) => n.id === 'block:head');
    expect(block?.kind).toBe('block');
    expect(block?.members).toEqual([flat, dense]);
    expect(block?.params).toBe(7850);
    expect(block?.shape).toEqual([1, 10]);
    expect(view.nodes.map((n) => n.id).sort()).toEqual(['block:head', input].sort());
    expect(view.edges).toEqual([expect.objectContaining({ source: input, target: 'block:head', label: 'N×1×28×28' })]);
    // The graph itself is unchanged apart from the group tags: analysis stays the same.
    expect(store.current.analysis.totalParams).toBe(7850);
    store.expand('head');
    view = buildView(store.graph, new Set(store.current.doc.collapsed), store.current.analysis);
    expect(view.nodes.map((n) => n.id).sort()).toEqual([input, flat, dense].sort());
    expect(store.graph.nodes.every((n) => n.ui?.group === undefined)).toBe(true);
    expect(view.edges.map((e) => e.label)).toEqual(['N×1×28×28', 'N×784']);
  });

  it('deleting, copying and moving a folded block act on all members', () => {
    const { store, flat, dense } = mlp();
    store.select([flat, dense]);
    store.group('head');
    store.move(new Map([['block:head', { x: 500, y: 600 }]]));
    const moved = store.graph.nodes.filter((n) => n.ui?.group === 'head').map((n) => [n.ui?.x, n.ui?.y]);
    expect(moved).toEqual([
      [500, 600],
      [500, 700],
    ]);
    store.select(['block:head']);
    const copies = store.duplicate();
    expect(copies).toHaveLength(2);
    expect(store.current.doc.collapsed).toHaveLength(2);
    store.select(['block:head']);
    store.deleteSelection();
    expect(store.graph.nodes.map((n) => n.name)).not.toContain(flat);
    expect(store.graph.nodes).toHaveLength(3);
  });

  it('inserts a template as a folded block that takes the selected node as input', () => {
    const { store, dense } = mlp();
    const template: ModelGraph = {
      format: 'convlab-graph',
      version: 1,
      name: 'mlp-block',
      nodes: [
        { name: 'x', op: 'Input', inputs: [], attrs: { shape: [10] } },
        { name: 'fc', op: 'Dense', inputs: ['x'], attrs: { units: 10 } },
        { name: 'act', op: 'ReLU', inputs: ['fc'], attrs: {} },
        { name: 'sum', op: 'Add', inputs: ['act', 'x'], attrs: {} },
      ],
      outputs: ['sum'],
    };
    store.select([dense]);
    const names = store.addTemplate(template, { x: 0, y: 400 });
    expect(names).toEqual(['mlp-block/fc', 'mlp-block/act', 'mlp-block/sum']);
    expect(store.current.selection).toEqual(['block:mlp-block']);
    const sum = store.graph.nodes.find((n) => n.name === 'mlp-block/sum');
    expect(sum?.inputs).toEqual(['mlp-block/act', dense]);
    expect(store.current.analysis.nodes.get('mlp-block/sum')?.shape).toEqual([1, 10]);
    expect(store.graph.outputs).toEqual(['mlp-block/sum']);
    // Without a selection the block's input stays open until connected.
    store.select([]);
    store.addTemplate(template, { x: 300, y: 400 });
    const open = store.current.analysis.issues.filter((i) => i.message.includes('dangling'));
    expect(open.length).toBeGreaterThan(0);
    expect(store.connect(dense, 'block:mlp-block_1').ok).toBe(true);
    expect(store.current.analysis.issues).toEqual([]);
  });
});

describe('editor store: analysis speed', () => {
  it('analyses a 200-node graph in well under a frame', () => {
    const store = new EditorStore();
    let last = store.addOp('Input', { x: 0, y: 0 });
    store.setAttr(last, 'shape', '64');
    const nodes = [...store.graph.nodes];
    for (let i = 0; i < 199; i++) {
      const op = i % 3 === 0 ? 'Dense' : i % 3 === 1 ? 'ReLU' : 'Add';
      const name = `n${i}`;
      nodes.push({ name, op, inputs: op === 'Add' ? [last, nodes[nodes.length - 2].name] : [last], attrs: op === 'Dense' ? { units: 64 } : {} });
      last = name;
    }
    store.load({ ...store.graph, nodes, outputs: [last] });
    expect(store.current.analysis.issues).toEqual([]);
    // CPU time (process.cpuUsage), not wall time: the test machine is shared and often loaded.
    const cpuMs: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t0 = process.cpuUsage();
      store.setAttr('n0', 'units', String(i % 2 === 0 ? 32 : 64));
      store.renameNode('n1', i % 2 === 0 ? 'm1' : 'n1');
      const d = process.cpuUsage(t0);
      cpuMs.push((d.user + d.system) / 1000);
    }
    expect(store.current.analysis.issues).toEqual([]);
    cpuMs.sort((a, b) => a - b);
    expect(cpuMs[7]).toBeLessThan(16);
  });
});

describe('summary numbers', () => {
  it('orders rows topologically and scales activation memory with the batch', () => {
    const { store, input, flat, dense } = mlp();
    const rows = summaryRows(store.graph, store.current.analysis);
    expect(rows.map((r) => r.name)).toEqual([input, flat, dense]);
    const m1 = trainingMemory(store.graph, 1, 'adam');
    const m64 = trainingMemory(store.graph, 64, 'adam');
    const sgd = trainingMemory(store.graph, 64, 'sgd');
    expect(m1 && m64 && sgd).toBeTruthy();
    if (!m1 || !m64 || !sgd) return;
    // activations: 784 + 784 + 10 floats per sample
    expect(m1.activationBytes).toBe((784 + 784 + 10) * 4);
    expect(m64.activationBytes).toBe(64 * m1.activationBytes);
    expect(m64.paramBytes).toBe(7850 * 4);
    expect(m64.optimizerBytes - sgd.optimizerBytes).toBe(2 * 7850 * 4);
  });
});
