/** Every core op exports and matches the core in real ONNX Runtime at opsets 11, 12, 13, 17 and 21 (or is refused with the reason). */
import { describe, expect, it } from 'vitest';
import { exportableOps, listOps } from '../../../core/index';
import { exportWithParity } from '../../../main/onnx/export-service';
import { trainedLike } from './helpers';
import { opCases } from './op-cases';

describe('op coverage', () => {
  it('every registered op has an exporter and at least one test case', () => {
    const ops = listOps().map((o) => o.type);
    const exportable = new Set(exportableOps());
    expect(ops.filter((o) => !exportable.has(o))).toEqual([]);
    const covered = new Set(opCases().flatMap((c) => c.graph.nodes.map((n) => n.op)));
    expect(ops.filter((o) => !covered.has(o))).toEqual([]);
  });
});

/** Cases an opset cannot express, with the refusal they must give. */
const REFUSED: Record<string, RegExp> = { 'softmax-axis1': /Softmax "y" needs opset >= 13: Softmax over axis 1 of a rank-4 input/ };

for (const opset of [11, 12, 13, 17, 21]) {
  describe(`every op exports at opset ${opset} and passes parity`, () => {
    for (const c of opCases()) {
      it(c.name, async () => {
        const refusal = REFUSED[c.name];
        if (opset < 13 && refusal) {
          await expect(exportWithParity({ graph: c.graph, opset })).rejects.toThrow(refusal);
          return;
        }
        const res = await exportWithParity({ graph: c.graph, weights: trainedLike(c.graph, 7), opset, parity: { batch: 2, seed: 9 } });
        expect(res.opset).toBe(opset);
        expect(res.parity.ok).toBe(true);
      });
    }
  });
}

describe('batch handling', () => {
  it('a graph that only validates at batch 1 is exported with batch 1 fixed and still passes parity', async () => {
    const c = opCases().find((x) => x.name === 'sub');
    if (!c) throw new Error('missing case');
    const nodes = c.graph.nodes.map((n) => (n.name === 'b' ? { ...n, attrs: { shape: [9] } } : n));
    const res = await exportWithParity({ graph: { ...c.graph, nodes }, parity: { batch: 4 } });
    expect(res.dynamicBatch).toBe(false);
    expect(res.inputs.map((i) => i.dims)).toEqual([[1, 3, 9, 9], [1, 9]]);
    expect(res.parity.batch).toBe(1);
  });

  it('a normal graph keeps the batch dynamic and passes parity at batch 4', async () => {
    const c = opCases().find((x) => x.name === 'conv2d-same-stride');
    if (!c) throw new Error('missing case');
    const res = await exportWithParity({ graph: c.graph, parity: { batch: 4 } });
    expect(res.dynamicBatch).toBe(true);
    expect(res.inputs[0].dims).toEqual(['N', 3, 9, 9]);
    expect(res.outputs[0].dims).toEqual(['N', 6, 5, 5]);
    expect(res.parity.batch).toBe(4);
    expect(res.parity.outputs[0].shape).toEqual([4, 6, 5, 5]);
  });
});
