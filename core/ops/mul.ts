/**
 * Mul: elementwise product of two inputs with numpy broadcasting (gates, attention weights, highway
 * connections). dA = sum_to_A(dy * B), dB = sum_to_B(dy * A). FLOPs: 1 per output element.
 */
import { defineBinary } from './binary';

export const mul = defineBinary({
  type: 'Mul',
  summary: 'Elementwise product of two inputs; numpy broadcasting allowed.',
  f: (a, b) => a * b,
  dfa: (_a, b) => b,
  dfb: (a) => a,
});
