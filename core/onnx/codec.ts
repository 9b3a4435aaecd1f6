/**
 * The typed ONNX codec facade: whole-model and single-tensor decode/encode over the generated
 * message functions. Decoding never allocates more than a small multiple of the input size and
 * throws OnnxError on anything malformed.
 */
import {
  decodeModelProto,
  decodeTensorProto,
  encodeModelProto,
  encodeTensorProto,
  type ModelProto,
  type TensorProto,
} from './generated/onnx';
import { OnnxError } from './errors';
import { Reader, Writer } from './wire';

export type {
  AttributeProto,
  GraphProto,
  ModelProto,
  NodeProto,
  OperatorSetIdProto,
  StringStringEntryProto,
  TensorProto,
  TensorShapeProto,
  TensorShapeProto_Dimension,
  TypeProto,
  TypeProto_Tensor,
  ValueInfoProto,
} from './generated/onnx';
export { AttributeProto_AttributeType as AttributeType, TensorProto_DataType as DataType } from './generated/onnx';

function whole<T>(bytes: Uint8Array, what: string, decode: (r: Reader, end: number, depth: number) => T): T {
  if (!(bytes instanceof Uint8Array)) throw new OnnxError(`onnx decode: ${what}: expected bytes`);
  if (bytes.length === 0) throw new OnnxError(`onnx decode: ${what}: the file is empty`);
  const r = new Reader(bytes);
  const m = decode(r, bytes.length, 0);
  if (r.pos !== bytes.length) throw new OnnxError(`onnx decode: ${what}: ${bytes.length - r.pos} trailing bytes`);
  return m;
}

export function decodeModel(bytes: Uint8Array): ModelProto {
  return whole(bytes, 'ModelProto', decodeModelProto);
}

export function encodeModel(model: ModelProto): Uint8Array {
  const w = new Writer();
  encodeModelProto(w, model);
  return w.finish();
}

/** A TensorProto file (the conformance `input_0.pb` / `output_0.pb`). */
export function decodeTensorFile(bytes: Uint8Array): TensorProto {
  return whole(bytes, 'TensorProto', decodeTensorProto);
}

export function encodeTensorFile(t: TensorProto): Uint8Array {
  const w = new Writer();
  encodeTensorProto(w, t);
  return w.finish();
}
