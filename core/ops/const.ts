/**
 * Const: a parameter holder with no inputs, for the constants an imported ONNX graph combines with
 * activations (Add/Mul/Sub/Div operands, Softsign's 1). attrs `shape` (the full tensor shape, no
 * batch dimension added; it broadcasts right-aligned against batched tensors). Param `value`
 * (not trainable). Backward: nothing to pass on. FLOPs: 0.
 */
import { Tensor, sizeOf, type Shape } from '../tensor/tensor';
import { intList } from './attrs';
import { defineOp, OpError } from './types';

export interface ConstAttrs {
  shape: number[];
}

export const constant = defineOp<ConstAttrs>({
  type: 'Const',
  summary: 'A fixed tensor (imported ONNX constants); its value is the param "value".',
  category: 'io',
  arity: 0,
  parseAttrs(raw) {
    const shape = intList(raw, 'shape', []);
    if (!shape.every((d) => d >= 1)) throw new OpError(`Const: shape must be positive, got [${shape.join(', ')}]`);
    return { shape };
  },
  params: (_shapes, a) => [{ name: 'value', shape: a.shape, init: { kind: 'constant', value: 0 }, trainable: false }],
  inferShape: (_shapes: readonly Shape[], a) => a.shape,
  forward(_inputs, params, a) {
    const v = params.value;
    if (!v || v.size !== sizeOf(a.shape)) throw new OpError(`Const: missing or mis-shaped param "value" (want [${a.shape.join(', ')}])`);
    return { output: new Tensor(a.shape, v.data) };
  },
  backward: () => ({ inputs: [], params: {} }),
  flops: () => 0,
});
