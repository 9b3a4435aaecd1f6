/**
 * Builder for the two-input elementwise ops with numpy broadcasting (Sub, Mul, Div): each supplies
 * f(a, b) and its partial derivatives; gradients are summed back to each input's shape.
 */
import { Tensor, sizeOf } from '../tensor/tensor';
import { broadcastMap, broadcastShapes, reduceByMap } from './broadcast';
import { expectInputs } from './op-util';
import { noAttrs } from './unary';
import { defineOp, type OpDef } from './types';

export interface BinarySpec {
  type: string;
  summary: string;
  f(a: number, b: number): number;
  dfa(a: number, b: number): number;
  dfb(a: number, b: number): number;
}

export function defineBinary(spec: BinarySpec): OpDef<Record<string, never>> {
  return defineOp({
    type: spec.type,
    summary: spec.summary,
    category: 'math',
    arity: 2,
    parseAttrs: noAttrs,
    params: () => [],
    inferShape(shapes) {
      expectInputs(spec.type, shapes, 2);
      return broadcastShapes(spec.type, shapes);
    },
    forward(inputs) {
      const [a, b] = inputs;
      const shape = broadcastShapes(spec.type, [a.shape, b.shape]);
      const ma = broadcastMap(a.shape, shape);
      const mb = broadcastMap(b.shape, shape);
      const out = new Tensor(shape);
      for (let p = 0; p < out.size; p++) out.data[p] = spec.f(a.data[ma ? ma[p] : p], b.data[mb ? mb[p] : p]);
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
        const x = a.data[ma ? ma[p] : p];
        const y = b.data[mb ? mb[p] : p];
        ga[p] = dy[p] * spec.dfa(x, y);
        gb[p] = dy[p] * spec.dfb(x, y);
      }
      return {
        inputs: [new Tensor(a.shape, reduceByMap(ga, ma, a.size)), new Tensor(b.shape, reduceByMap(gb, mb, b.size))],
        params: {},
      };
    },
    flops: (shapes) => sizeOf(broadcastShapes(spec.type, shapes)),
  });
}
