/** Every template exports at the default opset and matches the core in real ONNX Runtime (no mocks). */
import { describe, expect, it } from 'vitest';
import { buildTemplate, decodeModel, listTemplates, Rng, type Weights } from '../../../core/index';
import { exportWithParity } from '../../../main/onnx/export-service';

/** Trained-looking weights: BatchNorm running stats and zero-initialised params made non-trivial. */
export function perturb(weights: Weights, seed: number): Weights {
  const rng = new Rng(seed);
  for (const params of Object.values(weights)) {
    for (const [name, t] of Object.entries(params)) {
      if (name === 'runningVar') for (let i = 0; i < t.size; i++) t.data[i] = 0.5 + rng.next();
      else if (name === 'runningMean' || name.endsWith('ias') || name === 'beta') for (let i = 0; i < t.size; i++) t.data[i] = 0.1 * rng.normal();
      else if (name === 'gamma' || name === 'outWeight') for (let i = 0; i < t.size; i++) t.data[i] = name === 'gamma' ? 0.8 + 0.4 * rng.next() : 0.1 * rng.normal();
    }
  }
  return weights;
}

describe('every template exports and passes the parity check against ONNX Runtime', () => {
  for (const t of listTemplates()) {
    it(t.name, async () => {
      const graph = buildTemplate(t.name);
      const res = await exportWithParity({ graph, seed: 3 });
      expect(res.initialised).toBe(true);
      expect(res.opset).toBe(17);
      expect(res.parity.ok).toBe(true);
      expect(res.parity.worst).toBeLessThanOrEqual(1);
      expect(res.parity.outputs.length).toBe(graph.outputs.length);
      const model = decodeModel(res.bytes);
      expect(model.producerName).toBe('ConvLab');
      expect(model.irVersion).toBe(8);
      expect(model.graph?.input?.map((i) => i.name)).toEqual(t.inputs.map((i) => i.name));
      expect(model.graph?.output?.map((o) => o.name)).toEqual(graph.outputs);
      console.log(`${t.name}: ${res.nodes} nodes, ${res.initializers} initializers, max abs ${res.parity.maxAbs.toExponential(2)}, max rel ${res.parity.maxRel.toExponential(2)}`);
    });
  }
});
