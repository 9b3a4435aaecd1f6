/** Sub: a - b with numpy broadcasting; da = dy, db = -dy (summed to each shape). FLOPs: 1 per output element. */
import { defineBinary } from './binary';

export const sub = defineBinary({
  type: 'Sub',
  summary: 'Elementwise difference a - b; numpy broadcasting allowed.',
  f: (a, b) => a - b,
  dfa: () => 1,
  dfb: () => -1,
});
