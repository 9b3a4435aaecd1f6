/**
 * TensorProto <-> core Tensor. Float data comes from raw_data or float_data (double and the
 * integer types are converted); shapes are checked before anything is allocated; external data
 * and segmented tensors are refused with a clear message.
 */
import { Tensor } from '../tensor/tensor';
import { OnnxError } from './errors';
import { TensorProto_DataLocation, TensorProto_DataType, type TensorProto } from './generated/onnx';

/** The largest tensor an import will allocate (2^28 floats = 1 GiB). */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;

const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(TensorProto_DataType).map(([k, v]) => [v, k]));

export function dataTypeName(t: number | undefined): string {
  return TYPE_NAMES[t ?? 0] ?? `unknown(${t})`;
}

function label(t: TensorProto): string {
  return t.name ? `tensor "${t.name}"` : 'tensor';
}

/** Validated dims and element count; throws before any allocation. */
export function checkedDims(t: TensorProto, limit = MAX_TENSOR_ELEMENTS): { dims: number[]; size: number } {
  const dims = t.dims ?? [];
  if (dims.length > 8) throw new OnnxError(`${label(t)}: rank ${dims.length} is more than 8`);
  let size = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new OnnxError(`${label(t)}: invalid dimension ${d} in [${dims.join(', ')}]`);
    size *= d;
  }
  if (size > limit) {
    throw new OnnxError(`${label(t)}: shape [${dims.join(', ')}] has ${size} elements, more than the limit of ${limit}`);
  }
  return { dims: [...dims], size };
}

function refuseUnsupportedStorage(t: TensorProto): void {
  if (t.dataLocation === TensorProto_DataLocation.EXTERNAL || (t.externalData?.length ?? 0) > 0) {
    const loc = t.externalData?.find((e) => e.key === 'location')?.value;
    throw new OnnxError(
      `${label(t)}: external data${loc ? ` ("${loc}")` : ''} is not supported; save the model with its weights inside the .onnx file`,
    );
  }
  if (t.segment) throw new OnnxError(`${label(t)}: segmented tensors are not supported`);
}

const ELEM_BYTES: Record<number, number> = {
  [TensorProto_DataType.FLOAT]: 4,
  [TensorProto_DataType.DOUBLE]: 8,
  [TensorProto_DataType.INT64]: 8,
  [TensorProto_DataType.UINT64]: 8,
  [TensorProto_DataType.INT32]: 4,
  [TensorProto_DataType.UINT32]: 4,
  [TensorProto_DataType.INT16]: 2,
  [TensorProto_DataType.UINT16]: 2,
  [TensorProto_DataType.FLOAT16]: 2,
  [TensorProto_DataType.INT8]: 1,
  [TensorProto_DataType.UINT8]: 1,
  [TensorProto_DataType.BOOL]: 1,
};

function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const f = bits & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Element i of little-endian raw data of the given type, as a JS number. */
function rawReader(type: number, raw: Uint8Array): (i: number) => number {
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (type) {
    case TensorProto_DataType.FLOAT:
      return (i) => v.getFloat32(i * 4, true);
    case TensorProto_DataType.DOUBLE:
      return (i) => v.getFloat64(i * 8, true);
    case TensorProto_DataType.INT64:
      return (i) => Number(v.getBigInt64(i * 8, true));
    case TensorProto_DataType.UINT64:
      return (i) => Number(v.getBigUint64(i * 8, true));
    case TensorProto_DataType.INT32:
      return (i) => v.getInt32(i * 4, true);
    case TensorProto_DataType.UINT32:
      return (i) => v.getUint32(i * 4, true);
    case TensorProto_DataType.INT16:
      return (i) => v.getInt16(i * 2, true);
    case TensorProto_DataType.UINT16:
      return (i) => v.getUint16(i * 2, true);
    case TensorProto_DataType.FLOAT16:
      return (i) => half(v.getUint16(i * 2, true));
    case TensorProto_DataType.INT8:
      return (i) => v.getInt8(i);
    default:
      return (i) => v.getUint8(i);
  }
}

/** The typed field that holds a type's values when raw_data is absent. */
function fieldValues(t: TensorProto, type: number): number[] | undefined {
  switch (type) {
    case TensorProto_DataType.FLOAT:
      return t.floatData;
    case TensorProto_DataType.DOUBLE:
      return t.doubleData;
    case TensorProto_DataType.INT64:
      return t.int64Data;
    case TensorProto_DataType.UINT64:
    case TensorProto_DataType.UINT32:
      return t.uint64Data;
    case TensorProto_DataType.FLOAT16:
      return t.int32Data?.map(half);
    default:
      return t.int32Data;
  }
}

/** Reads every element as a JS number (ints exact up to 2^53); checks the byte length against the shape. */
function readValues(t: TensorProto, size: number, into: (i: number, v: number) => void): void {
  refuseUnsupportedStorage(t);
  const type = t.dataType ?? 0;
  const bytes = ELEM_BYTES[type];
  if (bytes === undefined) throw new OnnxError(`${label(t)}: data type ${dataTypeName(type)} is not supported`);
  if (t.rawData && t.rawData.length > 0) {
    if (t.rawData.length !== size * bytes) {
      throw new OnnxError(
        `${label(t)}: raw_data has ${t.rawData.length} bytes but shape [${(t.dims ?? []).join(', ')}] of ${dataTypeName(type)} needs ${size * bytes}`,
      );
    }
    const get = rawReader(type, t.rawData);
    for (let i = 0; i < size; i++) into(i, get(i));
    return;
  }
  const vals = fieldValues(t, type) ?? [];
  if (vals.length !== size) {
    throw new OnnxError(`${label(t)}: has ${vals.length} values but shape [${(t.dims ?? []).join(', ')}] needs ${size}`);
  }
  for (let i = 0; i < size; i++) into(i, vals[i]);
}

/** A TensorProto as a float32 core Tensor (other numeric types converted). */
export function tensorFromProto(t: TensorProto, limit = MAX_TENSOR_ELEMENTS): Tensor {
  const { dims, size } = checkedDims(t, limit);
  const data = new Float32Array(size);
  if (t.dataType === TensorProto_DataType.FLOAT && t.rawData && t.rawData.length === size * 4 && t.rawData.byteOffset % 4 === 0) {
    refuseUnsupportedStorage(t);
    data.set(new Float32Array(t.rawData.buffer, t.rawData.byteOffset, size)); // little-endian hosts only (all supported ones)
  } else {
    readValues(t, size, (i, v) => (data[i] = v));
  }
  return new Tensor(dims, data);
}

/** An integer TensorProto (shapes, axes, pads) as JS numbers. */
export function intsFromProto(t: TensorProto, limit = 1 << 20): { dims: number[]; values: number[] } {
  const { dims, size } = checkedDims(t, limit);
  const values = new Array<number>(size);
  readValues(t, size, (i, v) => (values[i] = v));
  for (const v of values) {
    if (!Number.isInteger(v)) throw new OnnxError(`${label(t)}: expected integers, found ${v}`);
  }
  return { dims, values };
}

/** A core Tensor as a float32 TensorProto with raw_data (little-endian). */
export function tensorToProto(name: string, t: Tensor): TensorProto {
  const raw = new Uint8Array(t.size * 4);
  const v = new DataView(raw.buffer);
  for (let i = 0; i < t.size; i++) v.setFloat32(i * 4, t.data[i], true);
  return { dims: [...t.shape], dataType: TensorProto_DataType.FLOAT, name, rawData: raw };
}

/** An int64 TensorProto (shapes for Reshape and friends). */
export function int64Proto(name: string, values: readonly number[], dims: readonly number[] = [values.length]): TensorProto {
  return { dims: [...dims], dataType: TensorProto_DataType.INT64, name, int64Data: [...values] };
}
