/**
 * How the lab's jobs name their model: `graph`, the core's graph JSON object (weights optional,
 * as the editor holds it), or `model`, a template name, a model .json file or a training run
 * directory (its model.json with trained weights) -- the second keeps big weights off the wire.
 */
import { z } from 'zod';
import { parseGraphJson, type ModelGraph, type Weights } from '../../../core/index';
import { loadModel } from '../../onnx/files';

export const modelInput = {
  graph: z.record(z.string(), z.unknown()).optional(),
  model: z.string().min(1).optional(),
};

export function readModelInput(p: { graph?: Record<string, unknown>; model?: string }, job: string): { graph: ModelGraph; weights?: Weights } {
  if (p.graph && p.model) throw new Error(`${job}: give either graph or model, not both`);
  if (p.graph) {
    try {
      return parseGraphJson(JSON.stringify(p.graph));
    } catch (e) {
      throw new Error(`${job}: graph: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (p.model) {
    const m = loadModel(p.model);
    return { graph: m.graph, weights: m.weights };
  }
  throw new Error(`${job}: no model given (graph JSON or model path/template)`);
}
