/** Validation errors with the real ops: every kind named by node, op and shapes. */
import { describe, expect, it } from 'vitest';
import { analyzeGraph, assertValid, errorsByNode } from '../../../core/graph/analyze';
import { GraphBuilder } from '../../../core/graph/builder';
import { checkWeights, initWeights } from '../../../core/graph/weights';
import { Rng } from '../../../core/tensor/rng';
import { Tensor } from '../../../core/tensor/tensor';

describe('graph validation with real ops', () => {
  it('reports every invalid node at once, each naming node, op and input shapes', () => {
    const b = new GraphBuilder('bad');
    const x = b.input([3, 28, 28]);
    const c16 = b.conv2d('c16', x, { filters: 16, kernel: 3, pads: 1 });
    const c32 = b.conv2d('c32', x, { filters: 32, kernel: 3, pads: 1 });
    const small = b.conv2d('small', x, { filters: 8, kernel: 3, stride: 2 }); // 13x13
    b.add('add', [c16, c32]); // channel mismatch
    b.concat('cat', [c16, small]); // spatial mismatch
    b.conv2d('groups', x, { filters: 8, kernel: 3, groups: 2 }); // 3 channels, 2 groups
    b.conv2d('huge', small, { filters: 4, kernel: 15 }); // 13x13 input, 15x15 kernel
    b.dense('fc', c16, 10); // rank 4 into Dense
    b.node('Flatten', 'arity', [c16, c32]); // two inputs to a one-input op
    const g = b.build(['add', 'cat', 'groups', 'huge', 'fc', 'arity']);
    const a = analyzeGraph(g);
    const by = errorsByNode(a.errors);
    expect([...by.keys()].sort()).toEqual(['add', 'arity', 'cat', 'fc', 'groups', 'huge']);
    const msg = (n: string) => by.get(n)?.[0].message ?? '';
    expect(msg('add')).toMatch(/^Add "add" \(inputs 1x16x28x28, 1x32x28x28\): /);
    expect(msg('cat')).toMatch(/^Concat "cat" \(inputs 1x16x28x28, 1x8x13x13\): .*28.*13/);
    expect(msg('groups')).toMatch(/^Conv2D "groups" \(input 1x3x28x28\): .*3.*not divisible by groups 2/);
    expect(msg('huge')).toMatch(/^Conv2D "huge" \(input 1x8x13x13\): /);
    expect(msg('fc')).toMatch(/^Dense "fc" \(input 1x16x28x28\): .*rank 2/);
    expect(msg('arity')).toMatch(/^Flatten "arity" .*expects 1 input\(s\), got 2/);
    // valid nodes still analysed, so the editor can show their shapes
    expect(a.byName.get('small')?.outputShape).toEqual([1, 8, 13, 13]);
    expect(() => assertValid(g)).toThrow(/6 errors in "bad"/);
  });

  it('a spatial size that goes to zero is named', () => {
    const b = new GraphBuilder('shrink');
    let x = b.input([1, 8, 8]);
    for (let i = 1; i <= 4; i++) x = b.conv2d(`c${i}`, x, { filters: 1, kernel: 3 });
    const a = analyzeGraph(b.build());
    expect(a.errors).toHaveLength(1);
    expect(a.errors[0].node).toBe('c4');
    expect(a.errors[0].message).toMatch(/^Conv2D "c4" \(input 1x1x2x2\)/);
  });

  it('weights that do not fit (channel mismatch) name node, param and shapes', () => {
    const b = new GraphBuilder('w');
    const x = b.input([3, 8, 8]);
    b.conv2d('c3', x, { filters: 4, kernel: 3 });
    const g = b.build();
    const w = initWeights(g, new Rng(1));
    w.c3.weight = new Tensor([4, 6, 3, 3]);
    expect(checkWeights(g, w).map((e) => e.message)).toEqual(['Conv2D "c3": weight "weight" is 4x6x3x3 but the node expects 4x3x3x3']);
  });
});

describe('analysis speed', () => {
  it('analyses a 200-node conv/BN/ReLU/Add graph (time logged, not asserted)', () => {
    const b = new GraphBuilder('deep');
    let x = b.input([16, 32, 32]);
    let i = 0;
    while (b.build().nodes.length < 200 - 4) {
      i++;
      const c = b.conv2d(`c${i}`, x, { filters: 16, kernel: 3, pads: 1, bias: false });
      const n = b.batchNorm(`bn${i}`, c);
      x = b.relu(`r${i}`, b.add(`add${i}`, [n, x]));
    }
    const g = b.build();
    const count = g.nodes.length;
    const a = analyzeGraph(g, { batch: 32 });
    expect(a.valid).toBe(true);
    expect(a.nodes).toHaveLength(count);
    for (let r = 0; r < 20; r++) analyzeGraph(g, { batch: 32 }); // let the JIT settle
    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let r = 0; r < 30; r++) {
      const t0 = performance.now();
      analyzeGraph(g, { batch: 32 });
      times.push(performance.now() - t0);
    }
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000 / times.length;
    const mean = times.reduce((x, y) => x + y, 0) / times.length;
    // The minimum is the figure least disturbed by other processes on a shared machine.
    console.log(`analyzeGraph: ${count} real-op nodes, min ${Math.min(...times).toFixed(3)} ms, mean ${mean.toFixed(3)} ms wall, ${cpuMs.toFixed(3)} ms CPU per run (30 runs)`);
    expect(count).toBeGreaterThanOrEqual(196);
  });
});
