/**
 * Builder for elementwise activations: one input, same output shape, no params.
 * Each activation supplies f(x) and its derivative written from x and y = f(x); forward saves y.
 */
import { Tensor, type Shape } from '../tensor/tensor';
import { savedTensor, expectInputs } from './op-util';
import { defineOp, OpError, type OpDef, type RawAttrs } from './types';

export interface UnarySpec<A> {
  type: string;
  summary: string;
  parseAttrs(raw: RawAttrs): A;
  f(x: number, attrs: A): number;
  /** dy/dx at x, where y = f(x). */
  df(x: number, y: number, attrs: A): number;
  /** FLOPs counted per element (documented in each op file). */
  flopsPerElement: number;
  category?: OpDef['category'];
  /**
   * Optional whole-array loops with the same results as f/df (hot activations such as ReLU): a
   * call through `f` per element cannot be inlined once several activations share this builder.
   */
  forwardLoop?(x: Float32Array, y: Float32Array, attrs: A): void;
  backwardLoop?(x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array, attrs: A): void;
}

export function defineUnary<A>(spec: UnarySpec<A>): OpDef<A> {
  return defineOp<A>({
    type: spec.type,
    summary: spec.summary,
    category: spec.category ?? 'activation',
    arity: 1,
    parseAttrs: spec.parseAttrs,
    params: () => [],
    inferShape(shapes: readonly Shape[]): Shape {
      expectInputs(spec.type, shapes, 1);
      if (shapes[0].length === 0) throw new OpError(`${spec.type}: input must have a batch dimension`);
      return shapes[0];
    },
    forward(inputs, _params, attrs) {
      const x = inputs[0].data;
      const out = new Tensor(inputs[0].shape);
      const y = out.data;
      if (spec.forwardLoop) spec.forwardLoop(x, y, attrs);
      else for (let i = 0; i < x.length; i++) y[i] = spec.f(x[i], attrs);
      return { output: out, saved: out };
    },
    backward(gradOut, saved, inputs, _params, attrs) {
      const y = savedTensor(spec.type, saved).data;
      const x = inputs[0].data;
      const dy = gradOut.data;
      const dx = new Tensor(inputs[0].shape);
      if (spec.backwardLoop) spec.backwardLoop(x, y, dy, dx.data, attrs);
      else for (let i = 0; i < x.length; i++) dx.data[i] = dy[i] * spec.df(x[i], y[i], attrs);
      return { inputs: [dx], params: {} };
    },
    flops(shapes) {
      let n = 1;
      for (const d of shapes[0]) n *= d;
      return n * spec.flopsPerElement;
    },
  });
}

/** parseAttrs for ops without attributes. */
export function noAttrs(): Record<string, never> {
  return {};
}
