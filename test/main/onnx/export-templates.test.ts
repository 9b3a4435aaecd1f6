/** Every template exports at the default opset and matches the core in real ONNX Runtime (no mocks). */
import { describe, expect, it } from 'vitest';
import { buildTemplate, decodeModel, listTemplates } from '../../../core/index';
import { exportWithParity } from '../../../main/onnx/export-service';
import { trainedLike } from './helpers';

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

describe('templates with trained-like weights (BatchNorm stats, biases, NonLocal output conv non-zero)', () => {
  for (const t of listTemplates()) {
    it(t.name, async () => {
      const graph = buildTemplate(t.name);
      const res = await exportWithParity({ graph, weights: trainedLike(graph, 11), parity: { batch: 3, seed: 5 } });
      expect(res.initialised).toBe(false);
      expect(res.parity.ok).toBe(true);
      expect(res.parity.maxAbs).toBeGreaterThanOrEqual(0);
    });
  }
});
