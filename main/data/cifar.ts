/**
 * CIFAR-10 binary batches: records of 1 label byte + 3072 pixel bytes (1024 red, 1024 green,
 * 1024 blue, each row-major 32x32) — already NCHW. data_batch_1..5.bin train, test_batch.bin test,
 * batches.meta.txt the class names.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDataset, type Dataset } from '../../core/index';

const RECORD = 1 + 3 * 32 * 32;
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

export function parseCifarBatches(files: readonly { name: string; bytes: Uint8Array }[], name: string, classNames = CIFAR10_CLASSES): Dataset {
  let total = 0;
  for (const f of files) {
    if (f.bytes.length === 0 || f.bytes.length % RECORD !== 0) {
      throw new Error(`${f.name}: ${f.bytes.length} bytes is not a whole number of ${RECORD}-byte CIFAR-10 records (truncated or not a CIFAR-10 binary batch)`);
    }
    total += f.bytes.length / RECORD;
  }
  const samples = new Float32Array(total * 3072);
  const labels = new Int32Array(total);
  let at = 0;
  for (const f of files) {
    for (let r = 0; r < f.bytes.length / RECORD; r++, at++) {
      const base = r * RECORD;
      const y = f.bytes[base];
      if (y >= classNames.length) throw new Error(`${f.name}: record ${r} has label ${y}, CIFAR-10 labels are 0..9`);
      labels[at] = y;
      for (let i = 0; i < 3072; i++) samples[at * 3072 + i] = f.bytes[base + 1 + i] / 255;
    }
  }
  return createDataset({ name, sampleShape: [3, 32, 32], classNames, samples, labels });
}

export function loadCifarFolder(dir: string): { train: Dataset; test?: Dataset } {
  const read = (n: string): { name: string; bytes: Uint8Array } => ({ name: n, bytes: readFileSync(join(dir, n)) });
  const metaFile = join(dir, 'batches.meta.txt');
  const names = existsSync(metaFile)
    ? readFileSync(metaFile, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter(Boolean)
    : CIFAR10_CLASSES;
  const trainFiles = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`).filter((n) => existsSync(join(dir, n)));
  if (trainFiles.length === 0) throw new Error(`CIFAR-10 folder ${dir}: no data_batch_N.bin files found`);
  const train = parseCifarBatches(trainFiles.map(read), 'cifar10:train', names);
  const test = existsSync(join(dir, 'test_batch.bin')) ? parseCifarBatches([read('test_batch.bin')], 'cifar10:test', names) : undefined;
  return { train, test };
}
