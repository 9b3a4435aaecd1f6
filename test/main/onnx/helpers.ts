/** Shared by the export tests: non-trivial weights (as after training) for a graph. */
import { initWeights, Rng, type ModelGraph, type Weights } from '../../../core/index';

/**
 * Seeded init weights, then every param that init leaves constant (BatchNorm stats and affine, biases,
 * the zero-started NonLocal output conv, PReLU slopes, Const values) filled with random values, so the
 * parity check exercises every weight's layout.
 */
export function trainedLike(graph: ModelGraph, seed: number): Weights {
  const weights = initWeights(graph, new Rng(seed));
  const rng = new Rng(seed + 1000);
  for (const params of Object.values(weights)) {
    for (const [name, t] of Object.entries(params)) {
      for (let i = 0; i < t.size; i++) {
        if (name === 'runningVar') t.data[i] = 0.5 + rng.next();
        else if (name === 'gamma') t.data[i] = 0.8 + 0.4 * rng.next();
        else if (name === 'slope') t.data[i] = 0.5 * rng.next();
        else if (name === 'value') t.data[i] = rng.normal();
        else if (name === 'runningMean' || name === 'beta' || name.toLowerCase().endsWith('bias') || name === 'outWeight') t.data[i] = 0.1 * rng.normal();
      }
    }
  }
  return weights;
}
