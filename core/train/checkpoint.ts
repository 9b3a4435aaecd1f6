/**
 * Training checkpoints: weights, optimizer state, RNG state, position (epoch, step) and the
 * metrics so far — everything a run needs to continue bit-for-bit. `encodeCheckpoint` writes
 * one self-describing binary blob (magic "CLCK", version, JSON header, raw float32 payload) so
 * floats round-trip exactly; main/ stores the bytes.
 */
import type { Weights } from '../graph/types';
import { Tensor, sizeOf, type Shape } from '../tensor/tensor';
import type { OptimizerState } from './optimizers';

export const CHECKPOINT_VERSION = 1;

export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  lr: number;
  seconds: number;
  imagesPerSec: number;
}

/** Sums over the batches of the epoch in progress, so a resumed epoch reports the same metrics. */
export interface EpochProgress {
  lossSum: number;
  correct: number;
  count: number;
  seconds: number;
}

export interface Checkpoint {
  version: number;
  graphName: string;
  /** Completed epochs; the run continues in epoch `epoch` (0-based). */
  epoch: number;
  /** Batches of epoch `epoch` already done. */
  batchInEpoch: number;
  /** Optimizer steps so far. */
  step: number;
  seed: number;
  /** Data-order RNG state at the start of epoch `epoch` (its shuffle is redone on resume). */
  epochRngState: number;
  weights: Weights;
  optimizer: OptimizerState;
  history: EpochMetrics[];
  progress: EpochProgress;
}

const MAGIC = [0x43, 0x4c, 0x43, 0x4b]; // "CLCK"

interface TensorEntry {
  key: string[];
  shape: number[];
  offset: number;
}

interface Header {
  version: number;
  graphName: string;
  epoch: number;
  batchInEpoch: number;
  step: number;
  seed: number;
  epochRngState: number;
  optimizer: { kind: OptimizerState['kind']; t: number };
  history: EpochMetrics[];
  progress: EpochProgress;
  weights: TensorEntry[];
  slots: TensorEntry[];
}

function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

function utf8Decode(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; ) {
    const x = b[i];
    let c: number;
    if (x < 0x80) c = b[i++];
    else if (x < 0xe0) c = ((x & 31) << 6) | (b[i + 1] & 63), (i += 2);
    else if (x < 0xf0) c = ((x & 15) << 12) | ((b[i + 1] & 63) << 6) | (b[i + 2] & 63), (i += 3);
    else c = ((x & 7) << 18) | ((b[i + 1] & 63) << 12) | ((b[i + 2] & 63) << 6) | (b[i + 3] & 63), (i += 4);
    s += String.fromCodePoint(c);
  }
  return s;
}

export function encodeCheckpoint(cp: Checkpoint): Uint8Array {
  const chunks: Float32Array[] = [];
  let offset = 0;
  const add = (key: string[], t: Float32Array, shape: Shape): TensorEntry => {
    const e = { key, shape: [...shape], offset };
    chunks.push(t);
    offset += t.length;
    return e;
  };
  const weights: TensorEntry[] = [];
  for (const [node, rec] of Object.entries(cp.weights)) {
    for (const [name, t] of Object.entries(rec)) weights.push(add([node, name], t.data, t.shape));
  }
  const slots: TensorEntry[] = [];
  for (const [key, rec] of Object.entries(cp.optimizer.slots)) {
    for (const [name, buf] of Object.entries(rec)) slots.push(add([key, name], buf, [buf.length]));
  }
  const header: Header = {
    version: cp.version,
    graphName: cp.graphName,
    epoch: cp.epoch,
    batchInEpoch: cp.batchInEpoch,
    step: cp.step,
    seed: cp.seed,
    epochRngState: cp.epochRngState,
    optimizer: { kind: cp.optimizer.kind, t: cp.optimizer.t },
    history: cp.history,
    progress: cp.progress,
    weights,
    slots,
  };
  const json = utf8Encode(JSON.stringify(header));
  const headerLen = Math.ceil(json.length / 4) * 4;
  const bytes = new Uint8Array(12 + headerLen + offset * 4);
  bytes.set(MAGIC, 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(4, CHECKPOINT_VERSION, true);
  view.setUint32(8, headerLen, true);
  bytes.fill(0x20, 12, 12 + headerLen);
  bytes.set(json, 12);
  const floats = new Float32Array(bytes.buffer, 12 + headerLen, offset);
  let at = 0;
  for (const c of chunks) {
    floats.set(c, at);
    at += c.length;
  }
  return bytes;
}

export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (bytes.length < 12 || MAGIC.some((m, i) => bytes[i] !== m)) throw new Error('checkpoint: not a ConvLab checkpoint (bad magic bytes)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== CHECKPOINT_VERSION) throw new Error(`checkpoint: version ${version} is not supported (expected ${CHECKPOINT_VERSION})`);
  const headerLen = view.getUint32(8, true);
  if (12 + headerLen > bytes.length) throw new Error('checkpoint: file is truncated (header)');
  let header: Header;
  try {
    header = JSON.parse(utf8Decode(bytes.subarray(12, 12 + headerLen))) as Header;
  } catch {
    throw new Error('checkpoint: header is not valid JSON');
  }
  const payload = bytes.length - 12 - headerLen;
  // Copy so the floats are aligned whatever the source buffer's offset. (Not bytes.slice(): on a Node
  // Buffer that is a view, and its .buffer would start at the file's first byte.)
  const floats = new Float32Array((payload - (payload % 4)) / 4);
  new Uint8Array(floats.buffer).set(bytes.subarray(12 + headerLen, 12 + headerLen + floats.length * 4));
  const read = (e: TensorEntry): Float32Array => {
    const n = sizeOf(e.shape);
    if (e.offset + n > floats.length) throw new Error(`checkpoint: file is truncated (tensor ${e.key.join('.')})`);
    return floats.slice(e.offset, e.offset + n);
  };
  const weights: Weights = {};
  for (const e of header.weights) (weights[e.key[0]] ??= {})[e.key[1]] = new Tensor(e.shape, read(e));
  const slots: OptimizerState['slots'] = {};
  for (const e of header.slots) (slots[e.key[0]] ??= {})[e.key[1]] = read(e);
  return {
    version: header.version,
    graphName: header.graphName,
    epoch: header.epoch,
    batchInEpoch: header.batchInEpoch,
    step: header.step,
    seed: header.seed,
    epochRngState: header.epochRngState,
    weights,
    optimizer: { kind: header.optimizer.kind, t: header.optimizer.t, slots },
    history: header.history,
    progress: header.progress,
  };
}

/** Deep copy of a weights record (checkpoints must not alias the live weights). */
export function cloneWeights(w: Weights): Weights {
  const out: Weights = {};
  for (const [node, rec] of Object.entries(w)) {
    out[node] = {};
    for (const [name, t] of Object.entries(rec)) out[node][name] = t.clone();
  }
  return out;
}

/** Copy values into existing tensors in place (keeps shared buffers shared); shapes must match. */
export function copyWeightsInto(target: Weights, source: Weights): void {
  for (const [node, rec] of Object.entries(source)) {
    for (const [name, t] of Object.entries(rec)) {
      const w = target[node]?.[name];
      if (!w) throw new Error(`checkpoint: weight "${node}".${name} does not exist in this model`);
      if (w.size !== t.size) throw new Error(`checkpoint: weight "${node}".${name} has ${t.size} values, the model expects ${w.size}`);
      w.data.set(t.data);
    }
  }
}
