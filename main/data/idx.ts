/**
 * MNIST / Fashion-MNIST IDX files (LeCun's format): a 4-byte magic (0, 0, type 0x08 = ubyte,
 * number of dims), one big-endian uint32 per dim, then the bytes. Images are idx3 (magic 2051),
 * labels idx1 (magic 2049). Gzipped files (.gz) are inflated first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createDataset, type Dataset } from '../../core/index';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parse one IDX buffer; `what` names the file in errors. */
export function parseIdx(bytes: Uint8Array, what: string, expectDims?: number): IdxArray {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  if (bytes.length < 4) throw new Error(`${what}: file is truncated (${bytes.length} bytes, no IDX header)`);
  const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08 || bytes[3] < 1) {
    throw new Error(`${what}: wrong magic number 0x${magic.toString(16).padStart(8, '0')} (an unsigned-byte IDX file starts with 0x0000080N)`);
  }
  const nd = bytes[3];
  if (expectDims !== undefined && nd !== expectDims) {
    throw new Error(`${what}: magic number ${magic} says ${nd} dimension(s), expected ${expectDims} (magic ${0x800 + expectDims})`);
  }
  if (bytes.length < 4 + 4 * nd) throw new Error(`${what}: file is truncated inside the header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: nd }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * nd;
  if (bytes.length - start < count) {
    throw new Error(`${what}: file is truncated: dims ${dims.join('x')} need ${count} bytes of data, found ${bytes.length - start}`);
  }
  return { dims, data: bytes.subarray(start, start + count) };
}

/** Images (idx3) and labels (idx1) into a Dataset [1, rows, cols] with pixels scaled to [0, 1]. */
export function idxDataset(images: Uint8Array, labels: Uint8Array, name: string, classNames?: readonly string[]): Dataset {
  const img = parseIdx(images, `${name} images`, 3);
  const lab = parseIdx(labels, `${name} labels`, 1);
  const [n, rows, cols] = img.dims;
  if (lab.dims[0] !== n) throw new Error(`${name}: ${n} images but ${lab.dims[0]} labels`);
  const samples = new Float32Array(n * rows * cols);
  for (let i = 0; i < samples.length; i++) samples[i] = img.data[i] / 255;
  const max = lab.data.reduce((m, v) => Math.max(m, v), 0);
  const names = classNames ?? Array.from({ length: Math.max(10, max + 1) }, (_, i) => String(i));
  return createDataset({ name, sampleShape: [1, rows, cols], classNames: names, samples, labels: Int32Array.from(lab.data) });
}

function findFile(dir: string, stems: readonly string[]): string | undefined {
  for (const stem of stems) {
    for (const name of [stem, `${stem}.gz`]) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}

/** A folder with the four standard files (train-/t10k- images/labels, optionally .gz). */
export function loadIdxFolder(dir: string, classNames?: readonly string[]): { train: Dataset; test?: Dataset } {
  const part = (prefix: string): Dataset | undefined => {
    const images = findFile(dir, [`${prefix}-images-idx3-ubyte`, `${prefix}-images.idx3-ubyte`]);
    const labels = findFile(dir, [`${prefix}-labels-idx1-ubyte`, `${prefix}-labels.idx1-ubyte`]);
    if (!images && !labels) return undefined;
    if (!images || !labels) throw new Error(`IDX folder ${dir}: found ${images ?? labels} but not its ${images ? 'labels' : 'images'} file`);
    return idxDataset(readFileSync(images), readFileSync(labels), `idx:${prefix}`, classNames);
  };
  const train = part('train');
  if (!train) throw new Error(`IDX folder ${dir}: no train-images-idx3-ubyte / train-labels-idx1-ubyte (optionally .gz) found`);
  return { train, test: part('t10k') };
}
