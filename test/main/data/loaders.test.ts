import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCifarFolder, parseCifarBatches } from '../../../main/data/cifar';
import { loadIdxFolder, parseIdx } from '../../../main/data/idx';
import { loadImageFolder } from '../../../main/data/image-folder';
import { loadDataSource } from '../../../main/data/sources';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'convlab-data-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function idxBytes(dims: number[], data: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out.set([0, 0, 8, dims.length]);
  const v = new DataView(out.buffer);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

describe('IDX loader', () => {
  const n = 20;
  const pixels = Array.from({ length: n * 4 * 4 }, (_, i) => (i * 7) % 256);
  const labels = Array.from({ length: n }, (_, i) => i % 10);

  it('reads images and labels (plain and gzipped) with pixels scaled to [0, 1]', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), idxBytes([n, 4, 4], pixels));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idxBytes([n], labels)));
    const { train, test } = loadIdxFolder(dir);
    expect(test).toBeUndefined();
    expect(train.length).toBe(n);
    expect(train.sampleShape).toEqual([1, 4, 4]);
    expect(train.samples[17]).toBeCloseTo(((17 * 7) % 256) / 255, 6);
    expect(Array.from(train.labels)).toEqual(labels);
    const split = loadDataSource(`idx:${dir}`);
    expect(split.train.length + split.val.length + split.test.length).toBe(n);
  });

  it('refuses a wrong magic number and a truncated file with the reason', () => {
    const good = idxBytes([n, 4, 4], pixels);
    const wrong = good.slice();
    wrong[2] = 0x0d; // float data
    expect(() => parseIdx(wrong, 'x.idx', 3)).toThrow(/x\.idx: wrong magic number 0x00000d03/);
    expect(() => parseIdx(idxBytes([n], labels), 'labels.idx', 3)).toThrow(/1 dimension\(s\), expected 3/);
    expect(() => parseIdx(good.subarray(0, good.length - 5), 'imgs', 3)).toThrow(/imgs: file is truncated: dims 20x4x4 need 320 bytes of data, found 315/);
    expect(() => parseIdx(good.subarray(0, 9), 'imgs', 3)).toThrow(/truncated inside the header/);
    const dir = tempDir();
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), good);
    expect(() => loadIdxFolder(dir)).toThrow(/not its labels file/);
  });
});

describe('CIFAR-10 loader', () => {
  function record(label: number, seed: number): number[] {
    return [label, ...Array.from({ length: 3072 }, (_, i) => (i * seed) % 256)];
  }

  it('reads binary batches in CHW order with the class names from batches.meta.txt', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'data_batch_1.bin'), Uint8Array.from([...record(3, 1), ...record(9, 3)]));
    writeFileSync(join(dir, 'test_batch.bin'), Uint8Array.from(record(0, 5)));
    writeFileSync(join(dir, 'batches.meta.txt'), 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n');
    const { train, test } = loadCifarFolder(dir);
    expect(train.length).toBe(2);
    expect(train.sampleShape).toEqual([3, 32, 32]);
    expect(Array.from(train.labels)).toEqual([3, 9]);
    expect(train.classNames[3]).toBe('cat');
    // second image, green plane (offset 1024), pixel 5: byte (1024 + 5) * 3 % 256
    expect(train.samples[3072 + 1024 + 5]).toBeCloseTo(((1029 * 3) % 256) / 255, 6);
    expect(test?.length).toBe(1);
  });

  it('refuses a truncated batch and an out-of-range label', () => {
    expect(() => parseCifarBatches([{ name: 'b.bin', bytes: new Uint8Array(3073 + 100) }], 'c')).toThrow(/b\.bin: 3173 bytes is not a whole number of 3073-byte/);
    const bad = new Uint8Array(3073);
    bad[0] = 12;
    expect(() => parseCifarBatches([{ name: 'b.bin', bytes: bad }], 'c')).toThrow(/label 12/);
  });
});

describe('image-folder loader', () => {
  it('reads PNG and JPEG files per class folder, resampled to one size', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'dark'));
    mkdirSync(join(dir, 'light'));
    // 4x4 RGB PNG with a red left half
    const rgb = new Uint8Array(4 * 4 * 3);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) rgb.set(x < 2 ? [255, 0, 0] : [0, 0, 255], (y * 4 + x) * 3);
    writeFileSync(join(dir, 'dark', 'a.png'), encodePng({ width: 4, height: 4, data: rgb, channels: 3, depth: 8 }));
    // 8x8 gray JPEG-encoded (RGBA input), bright
    const rgba = new Uint8Array(8 * 8 * 4).fill(230);
    writeFileSync(join(dir, 'light', 'b.jpg'), jpeg.encode({ width: 8, height: 8, data: rgba }, 95).data);
    writeFileSync(join(dir, 'light', 'notes.txt'), 'ignored');
    const ds = loadImageFolder(dir);
    expect(ds.classNames).toEqual(['dark', 'light']);
    expect(ds.sampleShape).toEqual([3, 4, 4]);
    expect(Array.from(ds.labels)).toEqual([0, 1]);
    expect(ds.samples[0]).toBe(1); // red plane, (0,0)
    expect(ds.samples[3]).toBe(0); // red plane, (0,3) is blue
    expect(ds.samples[32 + 3]).toBe(1); // blue plane, (0,3)
    expect(Math.abs(ds.samples[48] - 230 / 255)).toBeLessThan(0.03); // the JPEG, lossy
  });

  it('refuses a corrupt image naming the file', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'cls'));
    writeFileSync(join(dir, 'cls', 'broken.png'), Uint8Array.from([137, 80, 78, 71, 1, 2, 3]));
    expect(() => loadImageFolder(dir)).toThrow(/broken\.png: cannot decode PNG/);
    expect(() => loadImageFolder(tempDir())).toThrow(/no class sub-folders/);
  });
});
