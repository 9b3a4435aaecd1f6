/** LeakyReLU: y = x for x > 0, alpha * x otherwise (ONNX LeakyRelu, alpha default 0.01). FLOPs: 1 per element. */
import { num } from './attrs';
import { defineUnary } from './unary';

export interface LeakyReLUAttrs {
  alpha: number;
}

export const leakyRelu = defineUnary<LeakyReLUAttrs>({
  type: 'LeakyReLU',
  summary: 'Leaky ReLU: x for x > 0, alpha * x otherwise.',
  parseAttrs: (raw) => ({ alpha: num(raw, 'alpha', 0.01) }),
  f: (x, a) => (x > 0 ? x : a.alpha * x),
  df: (x, _y, a) => (x > 0 ? 1 : a.alpha),
  flopsPerElement: 1,
});
