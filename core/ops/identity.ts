/** Identity: y = x (a named pass-through; useful as a graph output or placeholder). FLOPs: 0. */
import { defineUnary, noAttrs } from './unary';

export const identity = defineUnary({
  type: 'Identity',
  summary: 'Passes its input through unchanged.',
  parseAttrs: noAttrs,
  f: (x) => x,
  df: () => 1,
  flopsPerElement: 0,
  category: 'structure',
});
