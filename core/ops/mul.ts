/**
 * Mul: elementwise product of two inputs with numpy broadcasting (gates, attention weights, highway
 * connections). dA = sum_to_A(dy * B), dB = sum_to_B(dy * A). FLOPs: 1 per output element.
 */
import { Tensor, sizeOf } from '../tensor/tensor';
import { broadcastMap, broadcastShapes, reduceByMap } from './broadcast';
import { expectInputs } from './op-util';
import { noAttrs } from './unary';
import { defineOp } from './types';

export const mul = defineOp({
  type: 'Mul',
  summary: 'Elementwise product of two inputs; numpy broadcasting allowed.',
  category: 'math',
  arity: 2,
  parseAttrs: noAttrs,
  params: () => [],
  inferShape(shapes) {
    expectInputs('Mul', shapes, 2);
    return broadcastShapes('Mul', shapes);
  },
  forward(inputs) {
    const [a, b] = inputs;
    const shape = broadcastShapes('Mul', [a.shape, b.shape]);
    const ma = broadcastMap(a.shape, shape);
    const mb = broadcastMap(b.shape, shape);
    const out = new Tensor(shape);
    for (let p = 0; p < out.size; p++) out.data[p] = a.data[ma ? ma[p] : p] * b.data[mb ? mb[p] : p];
    return { output: out };
  },
  backward(gradOut, _saved, inputs) {
    const [a, b] = inputs;
    const ma = broadcastMap(a.shape, gradOut.shape);
    const mb = broadcastMap(b.shape, gradOut.shape);
    const dy = gradOut.data;
    const ga = new Float32Array(dy.length);
    const gb = new Float32Array(dy.length);
    for (let p = 0; p < dy.length; p++) {
      ga[p] = dy[p] * b.data[mb ? mb[p] : p];
      gb[p] = dy[p] * a.data[ma ? ma[p] : p];
    }
    return {
      inputs: [new Tensor(a.shape, reduceByMap(ga, ma, a.size)), new Tensor(b.shape, reduceByMap(gb, mb, b.size))],
      params: {},
    };
  },
  flops: (shapes) => sizeOf(broadcastShapes('Mul', shapes)),
});
