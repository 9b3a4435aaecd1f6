/**
 * Handlers for `model.featureMaps` (runs the `featuremaps` job in the pool and returns its result)
 * and `model.runWeights` (a finished run's model.json with its trained weights).
 */
import { isAbsolute } from 'node:path';
import { countWeights, graphToJson } from '../../core/index';
import { datasetMethods } from '../contract/datasets';
import { ContractFailure } from '../contract/dispatch';
import type { Handlers } from '../contract/types';
import { loadModel } from '../onnx/files';
import type { JobPool } from '../pool/pool';

export function modelHandlers(app: { pool: JobPool }): Pick<Handlers, 'model.featureMaps' | 'model.runWeights'> {
  return {
    'model.featureMaps': async (p) => {
      const rec = await app.pool.wait(app.pool.start('featuremaps', p));
      if (rec.state !== 'succeeded') throw new ContractFailure('failed', rec.error?.message ?? `feature maps ${rec.state}`);
      return datasetMethods['model.featureMaps'].result.parse(rec.result);
    },
    'model.runWeights': async (p) => {
      if (!isAbsolute(p.runDir)) throw new ContractFailure('invalid-params', `runDir must be an absolute path, got "${p.runDir}"`);
      let m;
      try {
        m = loadModel(p.runDir);
      } catch (e) {
        throw new ContractFailure('failed', e instanceof Error ? e.message : String(e));
      }
      if (m.source !== 'run') throw new ContractFailure('failed', `${p.runDir} is not a training run directory`);
      if (!m.weights) throw new ContractFailure('failed', `${p.runDir}: model.json holds no trained weights (the run did not complete)`);
      const model: Record<string, unknown> = JSON.parse(graphToJson(m.graph, m.weights));
      return { model, weights: countWeights(m.weights) };
    },
  };
}
