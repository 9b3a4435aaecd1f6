/** Tiny test-only ops so graph tests do not depend on the real op files. */
import { int } from '../../../core/ops/attrs';
import { defineOp, OpError, type OpDef } from '../../../core/ops/types';
import type { OpLookup } from '../../../core/graph/shapes';
import { shapeToString, Tensor } from '../../../core/tensor/tensor';

/** y = x * w + b elementwise over channels: params w [C], b [C]. */
const scale = defineOp<{ gain: number }>({
  type: 'Scale',
  summary: 'test op',
  category: 'math',
  arity: 1,
  parseAttrs: (raw) => ({ gain: int(raw, 'gain', 1) }),
  params: (s) => [
    { name: 'w', shape: [s[0][1]], init: { kind: 'he', fanIn: s[0][1] }, trainable: true },
    { name: 'b', shape: [s[0][1]], init: { kind: 'constant', value: 0.5 }, trainable: true },
    { name: 'rm', shape: [s[0][1]], init: { kind: 'constant', value: 0 }, trainable: false },
  ],
  inferShape: (s) => s[0],
  forward: (x) => ({ output: x[0] }),
  backward: (g) => ({ inputs: [g], params: {} }),
  flops: (s) => 2 * s[0].reduce((a, b) => a * b, 1),
});

/** Sums any number of same-shaped inputs. */
const sum = defineOp<null>({
  type: 'Sum',
  summary: 'test op',
  category: 'math',
  arity: [2, Infinity],
  parseAttrs: () => null,
  params: () => [],
  inferShape: (s) => {
    for (const x of s) if (shapeToString(x) !== shapeToString(s[0])) throw new OpError(`Sum: ${shapeToString(s[0])} vs ${shapeToString(x)}`);
    return s[0];
  },
  forward: (x) => ({ output: x[0] }),
  backward: (g) => ({ inputs: [g, g], params: {} }),
  flops: () => 0,
});

/** Shrinks the last dim by `cut`; lets tests drive a size to zero. */
const shrink = defineOp<{ cut: number }>({
  type: 'Shrink',
  summary: 'test op',
  category: 'math',
  arity: 1,
  parseAttrs: (raw) => ({ cut: int(raw, 'cut') }),
  params: () => [],
  inferShape: (s, a) => [...s[0].slice(0, -1), s[0][s[0].length - 1] - a.cut],
  forward: (x) => ({ output: new Tensor(x[0].shape) }),
  backward: (g) => ({ inputs: [g], params: {} }),
  flops: () => 0,
  receptive: (a) => ({ kernel: a.cut + 1, stride: 1, dilation: 1 }),
});

const fakes: readonly OpDef[] = [scale, sum, shrink];
export const fakeLookup: OpLookup = (type) => fakes.find((o) => o.type === type);
