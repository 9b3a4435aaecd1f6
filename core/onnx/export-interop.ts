/**
 * ConvLab -> ONNX for the ops added for import coverage (core/ops/interop-family.ts beyond the
 * first set): MatMul of two computed tensors is ONNX MatMul as it is; Embedding is
 * Gather(weight, Cast(indices, int64)) (the Cast truncates toward zero as Embedding does);
 * StridedSlice is ONNX Slice with a steps input (same clamping rules, so the attrs pass as they are).
 */
import { stridedSlice } from '../ops/strided-slice';
import { TensorProto_DataType } from './generated/onnx';
import { attrInt, type OpExporter } from './export-context';

export const interopExporters: Readonly<Record<string, OpExporter>> = {
  MatMul: (a) => void a.emit('MatMul', a.inputs, [], true),
  Embedding: (a) => {
    const idx = a.emit('Cast', [a.inputs[0]], [attrInt('to', TensorProto_DataType.INT64)], 'indices');
    a.emit('Gather', [a.paramInit('weight'), idx], [attrInt('axis', 0)], true);
  },
  StridedSlice: (a) => {
    const s = a.attrs(stridedSlice);
    const rank = a.inputShapes[0].length;
    const axis = s.axis < 0 ? s.axis + rank : s.axis;
    const ins = [a.inputs[0], a.int64Const('starts', [s.start]), a.int64Const('ends', [s.end]), a.int64Const('axes', [axis]), a.int64Const('steps', [s.step])];
    a.emit('Slice', ins, [], true);
  },
};
