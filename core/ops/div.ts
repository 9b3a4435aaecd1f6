/** Div: a / b with numpy broadcasting; da = dy / b, db = -dy * a / b^2. FLOPs: 1 per output element. */
import { defineBinary } from './binary';

export const div = defineBinary({
  type: 'Div',
  summary: 'Elementwise quotient a / b; numpy broadcasting allowed.',
  f: (a, b) => a / b,
  dfa: (_a, b) => 1 / b,
  dfb: (a, b) => -a / (b * b),
});
