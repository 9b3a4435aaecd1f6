/**
 * Embedding: a lookup table, y[..., :] = weight[trunc(x[...]), :]. The input holds integer indices
 * stored as floats (an imported ONNX Gather whose table is a constant and whose indices are an
 * integer graph input, or a Cast to an integer type of a computed tensor); values are truncated
 * toward zero as that Cast would, and negative indices count from the end as in ONNX Gather.
 * Input [N, ...] -> output [N, ..., dim]. Param: weight [vocab, dim] (trainable).
 * Backward: the indices take no gradient; dW[i] accumulates every dy row that read row i. FLOPs: 0.
 */
import { Tensor, shapeToString } from '../tensor/tensor';
import { int } from './attrs';
import { expectInputs } from './op-util';
import { defineOp, OpError } from './types';

export interface EmbeddingAttrs {
  vocab: number;
  dim: number;
}

/** Row index for each input element (truncated, negative from the end), or an OpError naming the bad value. */
function rows(x: Tensor, vocab: number): Int32Array {
  const out = new Int32Array(x.size);
  for (let i = 0; i < x.size; i++) {
    const t = Math.trunc(x.data[i]);
    const r = t < 0 ? t + vocab : t;
    if (!(r >= 0 && r < vocab)) throw new OpError(`Embedding: index ${x.data[i]} at position ${i} is out of range for a table of ${vocab} rows`);
    out[i] = r;
  }
  return out;
}

export const embedding = defineOp<EmbeddingAttrs>({
  type: 'Embedding',
  summary: 'Lookup table: each (integer) input value selects a learned row of `dim` features.',
  category: 'dense',
  arity: 1,
  parseAttrs: (raw) => ({ vocab: int(raw, 'vocab', undefined, 1), dim: int(raw, 'dim', undefined, 1) }),
  params: (_shapes, a) => [{ name: 'weight', shape: [a.vocab, a.dim], init: { kind: 'normal', std: 1 }, trainable: true }],
  inferShape(shapes, a) {
    expectInputs('Embedding', shapes, 1);
    if (shapes[0].length < 1) throw new OpError(`Embedding: input must have a batch dimension, got ${shapeToString(shapes[0])}`);
    return [...shapes[0], a.dim];
  },
  forward(inputs, params, a) {
    const x = inputs[0];
    const w = params.weight;
    const idx = rows(x, a.vocab);
    const out = new Tensor([...x.shape, a.dim]);
    for (let i = 0; i < idx.length; i++) out.data.set(w.data.subarray(idx[i] * a.dim, (idx[i] + 1) * a.dim), i * a.dim);
    return { output: out, saved: idx };
  },
  backward(gradOut, saved, inputs, _params, a) {
    const idx = saved instanceof Int32Array ? saved : rows(inputs[0], a.vocab);
    const dw = new Tensor([a.vocab, a.dim]);
    for (let i = 0; i < idx.length; i++) {
      const r = idx[i] * a.dim;
      for (let k = 0; k < a.dim; k++) dw.data[r + k] += gradOut.data[i * a.dim + k];
    }
    return { inputs: [null], params: { weight: dw } };
  },
  flops: () => 0,
});
