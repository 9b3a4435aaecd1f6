/** Neg: -x (ONNX Neg, e.g. Softmin = Softmax(-x)); dy/dx = -1. FLOPs: 1 per element. */
import { defineUnary, noAttrs } from './unary';

export const neg = defineUnary({
  type: 'Neg',
  summary: 'Negation.',
  category: 'math',
  parseAttrs: noAttrs,
  f: (x) => -x,
  df: () => -1,
  flopsPerElement: 1,
});
