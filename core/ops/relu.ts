/** ReLU: y = max(0, x). Gradient 0 at x <= 0 (PyTorch's convention at exactly 0). FLOPs: 1 per element (the compare). */
import { defineUnary, noAttrs } from './unary';

export const relu = defineUnary({
  type: 'ReLU',
  summary: 'Rectified linear unit: max(0, x).',
  parseAttrs: noAttrs,
  f: (x) => (x > 0 ? x : 0),
  df: (x) => (x > 0 ? 1 : 0),
  flopsPerElement: 1,
});
